import type { Migration } from '@mikro-orm/migrations';

// Not a migration: the migrator reads only the files directly in migrations/mysql.
/**
 * carts.session_key's character set and collation, for a routine's parameter compared with it. A routine's
 * string parameters take the database's default collation, and the column has the table's; the two need
 * not match (MySQL 8 and MariaDB default differently), and comparing across collations is an error. Declared
 * with the column's own, the parameter also keeps the lookup on the column's unique index.
 */
export async function sessionKeyCollation(migration: Migration): Promise<{ charset: string; collation: string }> {
  const [column] = await migration.execute(
    `select character_set_name as charset, collation_name as collation from information_schema.columns
     where table_schema = database() and table_name = 'carts' and column_name = 'session_key'`,
  );
  const { charset, collation } = column as { charset: string; collation: string };
  if (![charset, collation].every((name) => /^[a-z0-9_]+$/.test(name))) throw new Error(`unexpected collation ${charset} ${collation}`);
  return { charset, collation };
}
