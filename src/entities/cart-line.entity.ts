import { OptionalProps } from "@mikro-orm/core";
import { Check, Entity, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { Cart } from "./cart.entity";
import { Product } from "./product.entity";

/** One product in a cart. Unique per (cart, product), so concurrent adds meet in one row. */
@Entity({ tableName: "cart_lines" })
@Unique({ name: "cart_lines_cart_product_unique", properties: ["cart", "product"] })
@Check({ name: "cart_lines_quantity_check", expression: "quantity between 1 and 99" })
export class CartLine {
  [OptionalProps]?: "createdAt";

  /** Ascending in the order lines were added, which is the order the cart lists them in. */
  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @ManyToOne(() => Cart, { deleteRule: "cascade" })
  cart!: Cart;

  @ManyToOne(() => Product, { deleteRule: "cascade" })
  product!: Product;

  @Property({ type: "integer" })
  quantity!: number;

  @Property({ type: "datetime", length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();
}
