import { Migration } from '@mikro-orm/migrations';

export class Migration20261126180909 extends Migration {

  // The CHECK constraints are written by hand: MikroORM cannot read them back from SQLite, so the
  // SQLite metadata leaves them out (src/mikro-orm.config.ts) and generation does not emit them.
  override async up(): Promise<void> {
    this.addSql(`create table \`products\` (\`id\` integer not null primary key autoincrement, \`sku\` text not null, \`name\` text not null, \`description\` text not null, \`price_cents\` integer not null, \`stock\` integer not null, \`active\` integer not null default true, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint products_stock_check check (stock >= 0));`);
    this.addSql(`create unique index \`products_sku_unique\` on \`products\` (\`sku\`);`);
    this.addSql(`create index \`products_active_index\` on \`products\` (\`active\`);`);

    this.addSql(`create table \`orders\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer null, \`created_at\` datetime not null, \`total_cents\` integer not null, constraint \`orders_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create index \`orders_user_id_index\` on \`orders\` (\`user_id\`);`);

    this.addSql(`create table \`order_lines\` (\`id\` integer not null primary key autoincrement, \`order_id\` integer not null, \`product_id\` integer null, \`product_name\` text not null, \`quantity\` integer not null, \`unit_price_cents\` integer not null, constraint \`order_lines_order_id_foreign\` foreign key(\`order_id\`) references \`orders\`(\`id\`) on delete cascade on update cascade, constraint \`order_lines_product_id_foreign\` foreign key(\`product_id\`) references \`products\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create index \`order_lines_order_id_index\` on \`order_lines\` (\`order_id\`);`);
    this.addSql(`create index \`order_lines_product_id_index\` on \`order_lines\` (\`product_id\`);`);

    this.addSql(`create table \`carts\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer null, \`session_key\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`carts_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create unique index \`carts_user_unique\` on \`carts\` (\`user_id\`);`);
    this.addSql(`create unique index \`carts_session_key_unique\` on \`carts\` (\`session_key\`);`);
    this.addSql(`create index \`carts_updated_at_index\` on \`carts\` (\`updated_at\`);`);

    this.addSql(`create table \`cart_lines\` (\`id\` integer not null primary key autoincrement, \`cart_id\` integer not null, \`product_id\` integer not null, \`quantity\` integer not null, \`created_at\` datetime not null, constraint \`cart_lines_cart_id_foreign\` foreign key(\`cart_id\`) references \`carts\`(\`id\`) on delete cascade on update cascade, constraint \`cart_lines_product_id_foreign\` foreign key(\`product_id\`) references \`products\`(\`id\`) on delete cascade on update cascade, constraint cart_lines_quantity_check check (quantity between 1 and 99));`);
    this.addSql(`create index \`cart_lines_cart_id_index\` on \`cart_lines\` (\`cart_id\`);`);
    this.addSql(`create index \`cart_lines_product_id_index\` on \`cart_lines\` (\`product_id\`);`);
    this.addSql(`create unique index \`cart_lines_cart_product_unique\` on \`cart_lines\` (\`cart_id\`, \`product_id\`);`);
  }

}
