import { Migration } from '@mikro-orm/migrations';

/** Account recovery and email: users.email_verified, the links' tokens, the mail outbox and the reset requests. */
export class Migration20261204220000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`users\` add \`email_verified\` tinyint(1) not null default false;`);

    this.addSql(`create table \`account_tokens\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`kind\` enum('PASSWORD_RESET', 'EMAIL_VERIFICATION') not null, \`token_hash\` varchar(64) not null, \`email\` varchar(254) not null, \`created_at\` datetime(3) not null, \`expires_at\` datetime(3) not null, \`used_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`account_tokens\` add unique \`account_tokens_hash_unique\`(\`token_hash\`);`);
    this.addSql(`alter table \`account_tokens\` add index \`account_tokens_user_kind_index\`(\`user_id\`, \`kind\`, \`created_at\`);`);
    this.addSql(`alter table \`account_tokens\` add constraint \`account_tokens_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`create table \`mail_outbox\` (\`id\` int unsigned not null auto_increment primary key, \`template\` varchar(40) not null, \`recipient\` varchar(254) not null, \`data\` text null, \`status\` enum('PENDING', 'SENT', 'FAILED') not null default 'PENDING', \`attempts\` int not null default 0, \`created_at\` datetime(3) not null, \`next_attempt_at\` datetime(3) not null, \`settled_at\` datetime(3) null, \`last_error\` varchar(500) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`mail_outbox\` add index \`mail_outbox_due_index\`(\`status\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`password_reset_requests\` (\`id\` int unsigned not null auto_increment primary key, \`email\` varchar(254) not null, \`created_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`password_reset_requests\`;`);
    this.addSql(`drop table if exists \`mail_outbox\`;`);
    this.addSql(`drop table if exists \`account_tokens\`;`);
    this.addSql(`alter table \`users\` drop column \`email_verified\`;`);
  }

}
