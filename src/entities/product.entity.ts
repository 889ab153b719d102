import { OptionalProps } from "@mikro-orm/core";
import { Check, Entity, Index, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Field, ID, Int, ObjectType } from "type-graphql";

@ObjectType({ simpleResolvers: true })
@Entity({ tableName: "products" })
// The last line of defence against overselling: whatever the code does, the database refuses a negative stock.
@Check({ name: "products_stock_check", expression: "stock >= 0" })
export class Product {
  [OptionalProps]?: "active" | "createdAt" | "updatedAt";

  @Field(() => ID)
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  /** Stored upper-cased, so uniqueness is case-insensitive on MySQL and SQLite alike. */
  @Field()
  @Unique({ name: "products_sku_unique" })
  @Property({ type: "string", length: 64 })
  sku!: string;

  @Field()
  @Property({ type: "string", length: 200 })
  name!: string;

  @Field()
  @Property({ type: "text" })
  description!: string;

  @Field(() => Int, { description: "Integer cents." })
  @Property({ type: "integer" })
  priceCents!: number;

  @Field(() => Int)
  @Property({ type: "integer" })
  stock!: number;

  @Field()
  @Index({ name: "products_active_index" })
  @Property({ type: "boolean", default: true })
  active: boolean = true;

  @Property({ type: "datetime", length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({ type: "datetime", length: 3, onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
