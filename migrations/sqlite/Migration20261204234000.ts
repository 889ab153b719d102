import { Migration } from '@mikro-orm/migrations';
import { canonicalizeEmails } from '../mysql/support/canonical-emails';

/**
 * users.email holds the canonical form of the address (trimmed, NFKC, lower-cased). SQLite compares text
 * byte for byte already; see ../mysql/support/canonical-emails.ts for rows whose canonical forms collide.
 */
export class Migration20261204234000 extends Migration {

  override async up(): Promise<void> {
    const left = await canonicalizeEmails(this);
    if (left.length) console.warn(`users ${left.join(', ')}: their email's canonical form belongs to another account; left as stored until an ADMIN changes it`);
  }

}
