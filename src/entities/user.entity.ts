import { EntityRepositoryType, OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Field, ID, ObjectType } from "type-graphql";
import { Role } from "./role";
import { UserRepository } from "./user.repository";

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: "users", repository: () => UserRepository })
export class User {
  [EntityRepositoryType]?: UserRepository;
  [OptionalProps]?: "role" | "emailVerified" | "createdAt" | "updatedAt" | "twoFactorEnabled";

  @Field(() => ID)
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  /**
   * Stored in its canonical form (entities/email.ts), in a column compared byte for byte (utf8mb4_bin on
   * MySQL, see migrations/mysql/Migration20261204230000.ts), so the form alone decides identity.
   */
  @Field()
  @Unique({ name: "users_email_unique" })
  @Property({ type: "string", length: 254 })
  email!: string;

  @Field()
  @Property({ type: "string", length: 100 })
  name!: string;

  /** False for a new account and after every email change, until a link sent to the address is opened. */
  @Field()
  @Property({ type: "boolean", default: false })
  emailVerified: boolean = false;

  @Field(() => Role)
  @Index({ name: "users_role_index" })
  @Enum({ items: () => Role, nativeEnumName: undefined, default: Role.USER })
  role: Role = Role.USER;

  // Never a GraphQL field; lazy so an ordinary load does not even read it.
  @Property({ type: "string", length: 255, hidden: true, lazy: true })
  passwordHash!: string;

  @Field({ description: "Whether login asks for a second factor (a TOTP or recovery code)." })
  @Property({ type: "boolean", default: false })
  twoFactorEnabled: boolean = false;

  /**
   * The TOTP secret, sealed with AES-256-GCM (src/secrets/secret-box.ts); set at beginTwoFactorSetup,
   * in use once twoFactorEnabled. Never a GraphQL field, never cached, never read by an ordinary load.
   */
  // MariaDB reports a nullable column's default as the string 'NULL' (see cart.entity.ts).
  @Property({ type: "string", length: 255, nullable: true, hidden: true, lazy: true, ignoreSchemaChanges: ["default"] })
  twoFactorSecret?: string | null;

  /** The last TOTP time step accepted: a code is taken once, claimed by a conditional UPDATE. */
  // 30-second steps since 1970 fit an INT until the year 4011.
  @Property({ type: "integer", nullable: true, hidden: true, lazy: true })
  twoFactorLastStep?: number | null;

  @Field(() => Date)
  @Property({ type: "datetime", length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ type: "datetime", length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
