/**
 * A GraphQL ID as a row id, or null when the string cannot name a row (so it names nothing: the caller
 * answers as for a missing row, and never sends it to the database).
 */
export function parseId(id: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(id)) return null;
  const n = Number(id);
  return n <= MAX_ROW_ID ? n : null;
}

/** Every id column is INT UNSIGNED: a larger number names no row (and MySQL would refuse it as out of range). */
export const MAX_ROW_ID = 4_294_967_295;
