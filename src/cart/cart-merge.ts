import { LockMode, type EntityManager } from "@mikro-orm/core";
import { retryOnDeadlock } from "../db/retry";
import { CartLine } from "../entities/cart-line.entity";
import { Cart } from "../entities/cart.entity";
import { MAX_CART_LINES, MAX_LINE_QUANTITY, MAX_TOTAL_CENTS } from "./cart-limits";
import { createCart, upsertLine } from "./cart-store";
import { writeCart, type CartWriter } from "./cart-writes";

/**
 * Moves the anonymous cart of session `sessionKey` into the user's cart, in one transaction: quantities
 * are added, each line capped by the stock and by 99 (a line the user already had is never lowered),
 * lines of products that became inactive are dropped, and the anonymous cart is deleted. Incoming lines,
 * in the order they were added, are also capped so the cart's total stays within MAX_TOTAL_CENTS (a line
 * that can add nothing is dropped): the rules of lineRefusal, applied to a whole cart at once.
 */
export async function mergeAnonymousCart(ctx: CartWriter, sessionKey: string, userId: number): Promise<void> {
  const { em } = ctx;
  if (!(await em.fork().count(Cart, { sessionKey }))) return; // most logins have nothing to merge
  await writeCart(ctx, [{ sessionKey }, { userId }], () => merge(em, sessionKey, userId));
}

async function merge(em: EntityManager, sessionKey: string, userId: number): Promise<void> {
  await createCart(em, { userId });
  await retryOnDeadlock(() =>
    em.fork().transactional(async (tem) => {
      // Always the anonymous cart first, then the user's: two merges never wait for each other in a circle.
      const anonymous = await tem.findOne(Cart, { sessionKey }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      if (!anonymous) return;
      const own = await tem.findOneOrFail(Cart, { user: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
      const incoming = await tem.find(CartLine, { cart: anonymous }, { populate: ["product"], orderBy: { id: "asc" } });
      const ownLines = await tem.find(CartLine, { cart: own }, { populate: ["product"] });
      const had = new Map(ownLines.map((line) => [line.product.id, line.quantity]));
      let lineCount = had.size;
      let total = ownLines.reduce((sum, line) => sum + line.product.priceCents * line.quantity, 0);
      for (const { product, quantity } of incoming) {
        if (!product.active) continue;
        const before = had.get(product.id) ?? 0;
        const affordable = product.priceCents ? before + Math.max(0, Math.floor((MAX_TOTAL_CENTS - total) / product.priceCents)) : Infinity;
        const merged = Math.min(before + quantity, MAX_LINE_QUANTITY, product.stock, affordable);
        if (merged <= before) continue;
        if (!before) {
          if (lineCount >= MAX_CART_LINES) continue;
          lineCount++;
        }
        total += (merged - before) * product.priceCents;
        await upsertLine(tem, own, product.id, merged, "set");
      }
      own.updatedAt = new Date();
      await tem.nativeDelete(Cart, { id: anonymous.id }); // its lines go with it (ON DELETE CASCADE)
    }),
  );
}
