import { Migration } from '@mikro-orm/migrations';

export class Migration20261126175942 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`users\` (\`id\` int unsigned not null auto_increment primary key, \`email\` varchar(254) not null, \`name\` varchar(100) not null, \`role\` enum('USER', 'ADMIN') not null default 'USER', \`password_hash\` varchar(255) not null, \`created_at\` datetime(3) not null, \`updated_at\` datetime(3) not null) default character set utf8mb4 engine = InnoDB;`);
    this.addSql(`alter table \`users\` add unique \`users_email_unique\`(\`email\`);`);
    this.addSql(`alter table \`users\` add index \`users_role_index\`(\`role\`);`);
  }

}
