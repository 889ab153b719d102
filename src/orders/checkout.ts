import { LockMode, raw, type EntityManager } from "@mikro-orm/core";
import { requireUser, type Context } from "../context";
import { retryOnDeadlock } from "../db/retry";
import { MAX_TOTAL_CENTS } from "../cart/cart-limits";
import { writeCart } from "../cart/cart-writes";
import { writeCatalog } from "../catalog/catalog-writes";
import { CartLine } from "../entities/cart-line.entity";
import { Cart } from "../entities/cart.entity";
import { OrderLine } from "../entities/order-line.entity";
import { Order } from "../entities/order.entity";
import { Product } from "../entities/product.entity";
import { BadUserInputError, ForbiddenError, OutOfStockError } from "../errors";
import { loadOrder } from "./orders";

/**
 * Turns the user's cart into an Order, all or nothing, in one transaction: the cart row is locked
 * (so the cart cannot change meanwhile), then the products in ascending id order (so two checkouts
 * sharing products always queue in the same order instead of deadlocking), every line's stock is
 * checked and decremented, the order is written at the current prices and the cart is emptied.
 */
export async function checkout(ctx: Context): Promise<Order> {
  const user = requireUser(ctx);
  if (ctx.services.config.mail.requireVerifiedEmail && !user.emailVerified) {
    throw new ForbiddenError("Verify your email address before checking out.", { reason: "EMAIL_NOT_VERIFIED" });
  }
  // The stock moves and the cart empties: every instance's catalog cache, and the user's cart there, are
  // emptied once the order has committed (or failed).
  const orderId = await writeCart(ctx, { userId: user.id }, () =>
    writeCatalog(ctx, () => retryOnDeadlock(() => ctx.em.fork().transactional((tem) => placeOrder(tem, user.id)))),
  );
  return loadOrder(ctx.em.fork(), orderId);
}

async function placeOrder(tem: EntityManager, userId: number): Promise<number> {
  const cart = await tem.findOne(Cart, { user: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  const lines = cart ? await tem.find(CartLine, { cart }, { orderBy: { id: "asc" } }) : [];
  if (!cart || !lines.length) throw new BadUserInputError({ cart: "is empty" });

  const byProduct = [...lines].sort((a, b) => a.product.id - b.product.id);
  const products = await tem.find(
    Product,
    { id: { $in: byProduct.map((line) => line.product.id) } },
    { lockMode: LockMode.PESSIMISTIC_WRITE, orderBy: { id: "asc" } },
  );
  const product = new Map(products.map((p) => [p.id, p]));
  for (const line of byProduct) {
    const { id, active, stock } = product.get(line.product.id)!;
    const available = active ? stock : 0;
    if (line.quantity > available) throw new OutOfStockError(String(id), available);
  }
  // A price raised since the lines were added can take the total past what an order may hold.
  const total = lines.reduce((sum, line) => sum + product.get(line.product.id)!.priceCents * line.quantity, 0);
  if (total > MAX_TOTAL_CENTS) throw new BadUserInputError({ cart: `total would pass ${MAX_TOTAL_CENTS} cents` });
  for (const line of byProduct) {
    // Conditional, so the stock cannot go below zero even if a lock were missed: the row changes
    // only while it still holds enough.
    const changed = await tem.nativeUpdate(
      Product,
      { id: line.product.id, active: true, stock: { $gte: line.quantity } },
      { stock: raw("stock - ?", [line.quantity]), updatedAt: new Date() },
    );
    if (changed !== 1) throw new OutOfStockError(String(line.product.id), 0);
  }

  const order = tem.create(Order, { user: userId, totalCents: 0 });
  for (const line of lines) {
    const { id, name, priceCents } = product.get(line.product.id)!;
    tem.create(OrderLine, { order, product: id, productName: name, quantity: line.quantity, unitPriceCents: priceCents });
    order.totalCents += priceCents * line.quantity;
  }
  await tem.nativeDelete(CartLine, { cart });
  cart.updatedAt = new Date();
  await tem.flush();
  return order.id;
}
