import { Entity, ManyToOne, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";
import { Field, Int, ObjectType } from "type-graphql";
import { Order } from "./order.entity";
import { Product } from "./product.entity";

/** What was bought, copied at checkout, so later price or name changes do not rewrite history. */
@ObjectType({ simpleResolvers: true })
@Entity({ tableName: "order_lines" })
export class OrderLine {
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @ManyToOne(() => Order, { deleteRule: "cascade" })
  order!: Order;

  @Field(() => Product, { nullable: true, description: "Null when the product no longer exists." })
  @ManyToOne(() => Product, { nullable: true, deleteRule: "set null" })
  product?: Product | null;

  @Field()
  @Property({ type: "string", length: 200 })
  productName!: string;

  @Field(() => Int)
  @Property({ type: "integer" })
  quantity!: number;

  @Field(() => Int)
  @Property({ type: "integer" })
  unitPriceCents!: number;
}
