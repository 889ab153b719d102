import { LoadStrategy, type EntityManager } from "@mikro-orm/core";
import { CartLine } from "../entities/cart-line.entity";
import type { CartView } from "../resolvers/cart.type";
import { ownerKey, type CartOwner } from "./cart-owner";

export const emptyCart = (): CartView => ({ lines: [], itemCount: 0, totalCents: 0 });

/**
 * The owner's cart with totals at current prices, in one query (lines joined to their cart and
 * products), however many lines it has.
 */
export async function loadCart(em: EntityManager, owner: CartOwner | null): Promise<CartView> {
  if (!owner) return emptyCart();
  const lines = await em.find(
    CartLine,
    { cart: ownerKey(owner) },
    { populate: ["product"], orderBy: { id: "asc" }, strategy: LoadStrategy.JOINED },
  );
  const view = lines.map(({ product, quantity }) => ({ product, quantity, lineTotalCents: product.priceCents * quantity }));
  return {
    lines: view,
    itemCount: view.reduce((sum, line) => sum + line.quantity, 0),
    totalCents: view.reduce((sum, line) => sum + line.lineTotalCents, 0),
  };
}
