import type { EntityManager } from "@mikro-orm/core";
import { productColumns, ProductRecord, type ProductRow } from "../catalog/product-row";
import { selectRows } from "../db/plain-sql";
import { MAX_TOTAL_CENTS } from "./cart-limits";
import type { CartOwner } from "./cart-owner";

/** A cart as it is read: lines in the order first added, totals at the products' current prices. */
export interface CartView {
  lines: Array<{ product: ProductRecord; quantity: number; lineTotalCents: number }>;
  itemCount: number;
  totalCents: number;
}

export const emptyCart = (): CartView => ({ lines: [], itemCount: 0, totalCents: 0 });

// Plain SQL into plain records: the cart is read on every cart request and after every cart write, and
// building managed CartLine and Product entities for it cost several times the query.
const LINES_SQL = (ownerColumn: "user_id" | "session_key") =>
  `select cl.quantity, ${productColumns("p")}
   from cart_lines cl join carts c on c.id = cl.cart_id join products p on p.id = cl.product_id
   where c.${ownerColumn} = ? order by cl.id asc`;
const BY_USER = LINES_SQL("user_id");
const BY_SESSION = LINES_SQL("session_key");

/** A line as the cart is read: its quantity and its product's columns (the cart_put_line procedure answers the same). */
export type CartLineRow = ProductRow & { quantity: number };

/**
 * The owner's cart with totals at current prices, in one query (lines joined to their cart and
 * products), however many lines it has.
 */
export async function loadCart(em: EntityManager, owner: CartOwner | null): Promise<CartView> {
  if (!owner) return emptyCart();
  const [sql, key] = "userId" in owner ? [BY_USER, owner.userId] : [BY_SESSION, owner.sessionKey];
  return cartView(await selectRows<CartLineRow>(em, sql, [key]));
}

/** The cart as the cart cache shares it between requests: frozen through to its products. */
export function freezeCart(cart: CartView): CartView {
  for (const line of cart.lines) Object.freeze(Object.freeze(line).product);
  Object.freeze(cart.lines);
  return Object.freeze(cart);
}

/**
 * The cart answered from its lines' rows, with totals at current prices. Writes keep the total within
 * MAX_TOTAL_CENTS, but a price raised afterwards can take it past: then the line and cart totals read as
 * MAX_TOTAL_CENTS (at least that much) so the cart still serializes, and checkout refuses it (docs/cart.md).
 */
export function cartView(rows: CartLineRow[]): CartView {
  const view = rows.map((row) => {
    const product = new ProductRecord(row);
    const quantity = Number(row.quantity);
    return { product, quantity, total: product.priceCents * quantity };
  });
  return {
    lines: view.map(({ product, quantity, total }) => ({ product, quantity, lineTotalCents: Math.min(total, MAX_TOTAL_CENTS) })),
    itemCount: view.reduce((sum, line) => sum + line.quantity, 0),
    totalCents: Math.min(view.reduce((sum, line) => sum + line.total, 0), MAX_TOTAL_CENTS),
  };
}
