import type { Migration } from '@mikro-orm/migrations';

// Not a migration: the migrator reads only the files directly in migrations/<kind>.
/**
 * Rewrites users.email to the canonical form (trimmed, NFKC, lower-cased; src/entities/email.ts), frozen here
 * as it was when the migration was written. Two rows may share a canonical form (a decomposed and a composed
 * "ö" on SQLite, a full-width letter on MySQL): the account whose stored email is canonical already keeps
 * it, else the oldest (lowest id); the others keep their stored spelling, which no login reaches any more,
 * until an ADMIN changes it. Returns the ids left as they were, for the operator.
 */
export async function canonicalizeEmails(migration: Migration): Promise<number[]> {
  const rows = (await migration.execute('select id, email from users order by id')) as Array<{ id: number; email: string }>;
  const canonical = (email: string) => email.trim().normalize('NFKC').toLowerCase();
  const taken = new Set(rows.filter((row) => canonical(row.email) === row.email).map((row) => row.email));
  const left: number[] = [];
  for (const row of rows) {
    const email = canonical(row.email);
    if (email === row.email) continue;
    if (taken.has(email)) {
      left.push(Number(row.id));
      continue;
    }
    taken.add(email);
    await migration.execute('update users set email = ? where id = ?', [email, row.id]);
  }
  return left;
}
