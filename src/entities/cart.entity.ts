import { Collection, OptionalProps } from "@mikro-orm/core";
import { Entity, Index, OneToMany, OneToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { CartLine } from "./cart-line.entity";
import { User } from "./user.entity";

/**
 * A visitor's cart: a logged-in user's (one per user) or an anonymous session's (keyed by the session's
 * public id). The session itself holds nothing, so concurrent requests of one visitor all write here.
 * Exactly one of `user` and `sessionKey` is set; the code keeps to that (MariaDB refuses a CHECK on a
 * column whose foreign key has ON DELETE CASCADE).
 */
@Entity({ tableName: "carts" })
export class Cart {
  [OptionalProps]?: "createdAt" | "updatedAt";

  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  // Deleting a user deletes their cart (and its lines) in the database, whoever deletes the row.
  @OneToOne(() => User, { owner: true, nullable: true, deleteRule: "cascade", unique: "carts_user_unique" })
  user?: User | null;

  // MariaDB reports this column's default as the string 'NULL', which MikroORM's MySQL driver would
  // otherwise "fix" in every new migration.
  @Unique({ name: "carts_session_key_unique" })
  @Property({ type: "string", length: 64, nullable: true, ignoreSchemaChanges: ["default"] })
  sessionKey?: string | null;

  @Property({ type: "datetime", length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  /** Touched by every write; abandoned anonymous carts are found by it. */
  @Index({ name: "carts_updated_at_index" })
  @Property({ type: "datetime", length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @OneToMany(() => CartLine, (line) => line.cart)
  lines = new Collection<CartLine>(this);
}
