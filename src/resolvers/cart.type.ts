import { Field, Int, ObjectType } from "type-graphql";
import type { ProductRecord } from "../catalog/product-row";
import { Product } from "../entities/product.entity";

@ObjectType("CartLine", { simpleResolvers: true })
export class CartLineView {
  @Field(() => Product)
  product!: ProductRecord;

  @Field(() => Int)
  quantity!: number;

  @Field(() => Int, { description: "At the product's current price." })
  lineTotalCents!: number;
}

@ObjectType("Cart", { simpleResolvers: true, description: "Built from the database on each read; totals at current prices." })
export class CartView {
  @Field(() => [CartLineView], { description: "In the order the products were first added." })
  lines!: CartLineView[];

  @Field(() => Int, { description: "The sum of the quantities." })
  itemCount!: number;

  @Field(() => Int)
  totalCents!: number;
}
