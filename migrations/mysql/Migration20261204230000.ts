import { Migration } from '@mikro-orm/migrations';

/** Two-factor sign-in (users' columns, recovery_codes) and the security log (security_events). */
export class Migration20261204230000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`users\` add \`two_factor_enabled\` tinyint(1) not null default false, add \`two_factor_secret\` varchar(255) null, add \`two_factor_last_step\` int null;`);

    this.addSql(`create table \`recovery_codes\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned not null, \`code_hash\` varchar(64) not null, \`created_at\` datetime(3) not null, \`used_at\` datetime(3) null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`recovery_codes\` add index \`recovery_codes_used_at_index\`(\`used_at\`);`);
    this.addSql(`alter table \`recovery_codes\` add unique \`recovery_codes_user_hash_unique\`(\`user_id\`, \`code_hash\`);`);
    this.addSql(`alter table \`recovery_codes\` add constraint \`recovery_codes_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete cascade;`);

    this.addSql(`create table \`security_events\` (\`id\` int unsigned not null auto_increment primary key, \`user_id\` int unsigned null, \`account_id\` int not null, \`type\` enum('LOGIN_SUCCEEDED', 'LOGIN_FAILED', 'LOGIN_THROTTLED', 'LOGOUT', 'SESSION_REVOKED', 'SESSIONS_ENDED', 'PASSWORD_CHANGED', 'PASSWORD_RESET_REQUESTED', 'PASSWORD_RESET', 'EMAIL_CHANGED', 'EMAIL_VERIFIED', 'ROLE_CHANGED', 'USER_CREATED', 'USER_DELETED', 'TWO_FACTOR_ENABLED', 'TWO_FACTOR_DISABLED', 'RECOVERY_CODES_REGENERATED', 'RECOVERY_CODE_USED') not null, \`created_at\` datetime(3) not null, \`ip\` varchar(64) null, \`user_agent\` varchar(256) null, \`actor_id\` int null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`security_events\` add index \`security_events_account_id_index\`(\`account_id\`);`);
    this.addSql(`alter table \`security_events\` add index \`security_events_created_at_index\`(\`created_at\`);`);
    this.addSql(`alter table \`security_events\` add index \`security_events_user_id_id_index\`(\`user_id\`, \`id\`);`);
    this.addSql(`alter table \`security_events\` add constraint \`security_events_user_id_foreign\` foreign key (\`user_id\`) references \`users\` (\`id\`) on update cascade on delete set null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`security_events\`;`);
    this.addSql(`drop table if exists \`recovery_codes\`;`);
    this.addSql(`alter table \`users\` drop column \`two_factor_enabled\`, drop column \`two_factor_secret\`, drop column \`two_factor_last_step\`;`);
  }

}
