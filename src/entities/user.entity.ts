import { EntityRepositoryType, OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Field, ID, ObjectType } from "type-graphql";
import { Role } from "./role";
import { UserRepository } from "./user.repository";

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: "users", repository: () => UserRepository })
export class User {
  [EntityRepositoryType]?: UserRepository;
  [OptionalProps]?: "role" | "createdAt" | "updatedAt";

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

  @Field(() => Role)
  @Index({ name: "users_role_index" })
  @Enum({ items: () => Role, nativeEnumName: undefined, default: Role.USER })
  role: Role = Role.USER;

  // Never a GraphQL field; lazy so an ordinary load does not even read it.
  @Property({ type: "string", length: 255, hidden: true, lazy: true })
  passwordHash!: string;

  @Field(() => Date)
  @Property({ type: "datetime", length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ type: "datetime", length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
