import { Migration } from '@mikro-orm/migrations';
import { cartPutLineSql } from '../../src/cart/cart-put-line.sql';
import { Migration20261127010000 } from './Migration20261127010000';
import { sessionKeyCollation } from './support/session-key-collation';

/**
 * cart_put_line from the one text beside the cart code (src/cart/cart-put-line.sql.ts), with the limits of
 * src/cart/cart-limits.ts written into it rather than passed in: it now also refuses a write that would take the
 * cart's total past a GraphQL Int, and refuses to run inside an open transaction. DROP + CREATE, so it replaces
 * whatever text the database had; down restores the text of Migration20261127010000.
 */
export class Migration20261204233000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop procedure if exists cart_put_line;`);
    this.addSql(cartPutLineSql(await sessionKeyCollation(this)));
  }

  override async down(): Promise<void> {
    const previous = new Migration20261127010000(this.driver, this.config);
    await previous.up();
    for (const sql of previous.getQueries()) this.addSql(sql);
  }

}
