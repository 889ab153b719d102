import { Migration } from '@mikro-orm/migrations';

/** Two-factor sign-in (users' columns, recovery_codes) and the security log (security_events). */
export class Migration20261204230000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`users\` add column \`two_factor_enabled\` integer not null default false;`);
    this.addSql(`alter table \`users\` add column \`two_factor_secret\` text null;`);
    this.addSql(`alter table \`users\` add column \`two_factor_last_step\` integer null;`);

    this.addSql(`create table \`recovery_codes\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer not null, \`code_hash\` text not null, \`created_at\` datetime not null, \`used_at\` datetime null, constraint \`recovery_codes_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade);`);
    this.addSql(`create index \`recovery_codes_used_at_index\` on \`recovery_codes\` (\`used_at\`);`);
    this.addSql(`create unique index \`recovery_codes_user_hash_unique\` on \`recovery_codes\` (\`user_id\`, \`code_hash\`);`);

    this.addSql(`create table \`security_events\` (\`id\` integer not null primary key autoincrement, \`user_id\` integer null, \`account_id\` integer not null, \`type\` text check (\`type\` in ('LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_THROTTLED', 'LOGOUT', 'SESSION_REVOKED', 'SESSIONS_ENDED', 'PASSWORD_CHANGED', 'PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET', 'EMAIL_CHANGED', 'EMAIL_VERIFIED', 'ROLE_CHANGED', 'USER_CREATED', 'USER_DELETED', 'TWO_FACTOR_ENABLED', 'TWO_FACTOR_DISABLED', 'RECOVERY_CODES_REGENERATED', 'RECOVERY_CODE_USED')) not null, \`created_at\` datetime not null, \`ip\` text null, \`user_agent\` text null, \`actor_id\` integer null, constraint \`security_events_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete set null on update cascade);`);
    this.addSql(`create index \`security_events_account_id_index\` on \`security_events\` (\`account_id\`);`);
    this.addSql(`create index \`security_events_created_at_index\` on \`security_events\` (\`created_at\`);`);
    this.addSql(`create index \`security_events_user_id_id_index\` on \`security_events\` (\`user_id\`, \`id\`);`);
  }

}
