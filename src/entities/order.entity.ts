import { Collection, OptionalProps } from "@mikro-orm/core";
import { Entity, ManyToOne, OneToMany, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { OrderLine } from "./order-line.entity";
import { User } from "./user.entity";

@ObjectType()
@Entity({ tableName: "orders" })
export class Order {
  [OptionalProps]?: "createdAt";

  @Field(() => ID)
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  // A deleted user's orders stay (for the books), detached from the user.
  @ManyToOne(() => User, { nullable: true, deleteRule: "set null" })
  user?: User | null;

  @Field(() => Date)
  @Property({ type: "datetime", length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Field(() => Int, { description: "Integer cents, at the prices of the moment of checkout." })
  @Property({ type: "integer" })
  totalCents!: number;

  // Exposed through OrderResolver.lines, which needs them populated (they are, in one query per page).
  @OneToMany(() => OrderLine, (line) => line.order, { orderBy: { id: "asc" } })
  lines = new Collection<OrderLine>(this);
}
