import { Migration } from '@mikro-orm/migrations';
import { canonicalizeEmails } from './support/canonical-emails';

/**
 * users.email is compared byte for byte (the character set's _bin collation) and holds the canonical form
 * of the address: the table's default collation (utf8mb4_general_ci) folded accents, so `bób@` found
 * `bob@`'s row, while the rate limits and the code knew them as different addresses. See
 * support/canonical-emails.ts for rows whose canonical forms collide.
 */
export class Migration20261204234000 extends Migration {

  override async up(): Promise<void> {
    const charset = await emailCharset(this);
    await this.execute(`alter table users modify email varchar(254) character set ${charset} collate ${charset}_bin not null`);
    const left = await canonicalizeEmails(this);
    if (left.length) console.warn(`users ${left.join(', ')}: their email's canonical form belongs to another account; left as stored until an ADMIN changes it`);
  }

  override async down(): Promise<void> {
    const [table] = await this.execute(`select table_collation as collation from information_schema.tables where table_schema = database() and table_name = 'users'`);
    const { collation } = table as { collation: string };
    if (!/^[a-z0-9_]+$/.test(collation)) throw new Error(`unexpected collation ${collation}`);
    this.addSql(`alter table users modify email varchar(254) collate ${collation} not null`);
  }

}

async function emailCharset(migration: Migration): Promise<string> {
  const [column] = await migration.execute(
    `select character_set_name as charset from information_schema.columns
     where table_schema = database() and table_name = 'users' and column_name = 'email'`,
  );
  const { charset } = column as { charset: string };
  if (!/^[a-z0-9_]+$/.test(charset)) throw new Error(`unexpected character set ${charset}`);
  return charset;
}
