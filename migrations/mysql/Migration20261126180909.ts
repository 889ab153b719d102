import { Migration } from '@mikro-orm/migrations';

export class Migration20261126180909 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`products\` (\`id\` int unsigned not null auto_increment primary key, \`sku\` varchar(64) not null, \`name\` varchar(200) not null, \`description\` text not null, \`price_cents\` int not null, \`stock\` int not null, \`active\` tinyint(1) not null default true, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null, constraint products_stock_check check (stock >= 0)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`products\` add unique \`products_sku_unique\`(\`sku\`);`);
    this.addSql(`alter table \`products\` add index \`products_active_index\`(\`active\`);`);

    this.addSql(`create table \`orders\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned null, \`created_at\` datetime(3) not null, \`total_cents\` int not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`orders\` add index \`orders_user_id_index\`(\`user_id\`);`);

    this.addSql(`create table \`order_lines\` (\`id\` int unsigned not null auto_increment primary key, \`order_id\` int unsigned not null, \`product_id\` int unsigned null, \`product_name\` varchar(200) not null, \`quantity\` int not null, \`unit_price_cents\` int not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`order_lines\` add index \`order_lines_order_id_index\`(\`order_id\`);`);
    this.addSql(`alter table \`order_lines\` add index \`order_lines_product_id_index\`(\`product_id\`);`);

    this.addSql(`create table \`carts\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned null, \`session_key\` varchar(64) null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`carts\` add unique \`carts_user_unique\`(\`user_id\`);`);
    this.addSql(`alter table \`carts\` add unique \`carts_session_key_unique\`(\`session_key\`);`);
    this.addSql(`alter table \`carts\` add index \`carts_updated_at_index\`(\`updated_at\`);`);

    this.addSql(`create table \`cart_lines\` (\`id\` int unsigned not null auto_increment primary key, \`cart_id\` int unsigned not null, \`product_id\` int unsigned not null, \`quantity\` int not null, \`created_at\` datetime(3) not null, constraint cart_lines_quantity_check check (quantity between 1 and 99)) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`cart_lines\` add index \`cart_lines_cart_id_index\`(\`cart_id\`);`);
    this.addSql(`alter table \`cart_lines\` add index \`cart_lines_product_id_index\`(\`product_id\`);`);
    this.addSql(`alter table \`cart_lines\` add unique \`cart_lines_cart_product_unique\`(\`cart_id\`, \`product_id\`);`);

    this.addSql(`alter table \`orders\` add constraint \`orders_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`alter table \`order_lines\` add constraint \`order_lines_order_id_foreign\` foreign key (\`order_id\`) references \`orders\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`order_lines\` add constraint \`order_lines_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on update cascade on delete set null;`);

    this.addSql(`alter table \`carts\` add constraint \`carts_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`alter table \`cart_lines\` add constraint \`cart_lines_cart_id_foreign\` foreign key (\`cart_id\`) references \`carts\` (\`id\`) on update cascade on delete cascade;`);
    this.addSql(`alter table \`cart_lines\` add constraint \`cart_lines_product_id_foreign\` foreign key (\`product_id\`) references \`products\` (\`id\`) on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`order_lines\` drop foreign key \`order_lines_product_id_foreign\`;`);

    this.addSql(`alter table \`cart_lines\` drop foreign key \`cart_lines_product_id_foreign\`;`);

    this.addSql(`alter table \`order_lines\` drop foreign key \`order_lines_order_id_foreign\`;`);

    this.addSql(`alter table \`cart_lines\` drop foreign key \`cart_lines_cart_id_foreign\`;`);

    this.addSql(`drop table if exists \`products\`;`);

    this.addSql(`drop table if exists \`orders\`;`);

    this.addSql(`drop table if exists \`order_lines\`;`);

    this.addSql(`drop table if exists \`carts\`;`);

    this.addSql(`drop table if exists \`cart_lines\`;`);
  }

}
