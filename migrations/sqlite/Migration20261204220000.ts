import { Migration } from '@mikro-orm/migrations';

/** Account recovery and email: users.email_verified, the links' tokens, the mail outbox and the reset requests. */
export class Migration20261204220000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`users\` add column \`email_verified\` integer not null default false;`);

    this.addSql(`create table \`account_tokens\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`kind\` text check (\`kind\` in ('PASSWORD_RESET', 'EMAIL_VERIFICATION')) not null, \`token_hash\` text not null, \`email\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime not null, \`used_at\` datetime null, constraint \`account_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create unique index \`account_tokens_hash_unique\` on \`account_tokens\` (\`token_hash\`);`);
    this.addSql(`create index \`account_tokens_user_kind_index\` on \`account_tokens\` (\`user_id\`, \`kind\`, \`created_at\`);`);

    this.addSql(`create table \`mail_outbox\` (\`id\` integer not null primary key autoincrement, \`template\` text not null, \`recipient\` text not null, \`data\` text null, \`status\` text check (\`status\` in ('PENDING', 'SENT', 'FAILED')) not null default 'PENDING', \`attempts\` integer not null default 0, \`created_at\` datetime not null, \`next_attempt_at\` datetime not null, \`settled_at\` datetime null, \`last_error\` text null);`);
    this.addSql(`create index \`mail_outbox_due_index\` on \`mail_outbox\` (\`status\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`password_reset_requests\` (\`id\` integer not null primary key autoincrement, \`email\` text not null, \`created_at\` datetime not null);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`password_reset_requests\`;`);
    this.addSql(`drop table if exists \`mail_outbox\`;`);
    this.addSql(`drop table if exists \`account_tokens\`;`);
    this.addSql(`alter table \`users\` drop column \`email_verified\`;`);
  }

}
