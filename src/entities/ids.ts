/**
 * A GraphQL ID as a row id, or null when the string cannot name a row (so it names nothing: the caller
 * answers as for a missing row, and never sends it to the database).
 */
export function parseId(id: string): number | null {
  if (!/^[1-9]\d{0,14}$/.test(id)) return null;
  return Number(id);
}
