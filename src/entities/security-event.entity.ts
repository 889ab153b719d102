import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Field, ID, ObjectType } from "type-graphql";
import { SecurityEventType } from "./security-event-type";
import { User } from "./user.entity";

/**
 * One row of the security log: what happened to an account, when, from where, and who acted when it was
 * not the account's owner. Append-only; it holds no password, token, code or session id.
 */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: "security_events" })
@Index({ name: "security_events_user_id_id_index", properties: ["user", "id"] })
export class SecurityEvent {
  [OptionalProps]?: "createdAt";

  @Field(() => ID)
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  // Detached (set null) when the user is deleted, like their orders; what the API reads by.
  @ManyToOne(() => User, { nullable: true, deleteRule: "set null", index: false })
  user?: User | null;

  /** The account's id, kept after it is deleted so an operator can still find its history in SQL. */
  @Index({ name: "security_events_account_id_index" })
  @Property({ type: "integer" })
  accountId!: number;

  @Field(() => SecurityEventType)
  @Enum({ items: () => SecurityEventType, nativeEnumName: undefined })
  type!: SecurityEventType;

  @Field(() => Date)
  @Index({ name: "security_events_created_at_index" })
  @Property({ type: "datetime", length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Field(() => String, { nullable: true })
  @Property({ type: "string", length: 64, nullable: true, ignoreSchemaChanges: ["default"] })
  ip?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: "string", length: 256, nullable: true, ignoreSchemaChanges: ["default"] })
  userAgent?: string | null;

  /** The ADMIN who acted on someone else's account; a plain id, kept when that admin is deleted. */
  @Field(() => ID, { nullable: true })
  @Property({ type: "integer", nullable: true })
  actorId?: number | null;
}
