import type { EntityManager } from "@mikro-orm/core";
import type { Logger } from "pino";
import { Cart } from "../entities/cart.entity";

/**
 * Deletes anonymous carts untouched for `maxAgeS`. With the session lifetime as `maxAgeS`, the session
 * each one belonged to has surely ended (a cart is written after its session starts), so nobody can
 * reach it any more. Returns how many were deleted; their lines go with them (ON DELETE CASCADE).
 */
export function sweepAbandonedCarts(em: EntityManager, maxAgeS: number, now = Date.now()): Promise<number> {
  return em.fork().nativeDelete(Cart, { user: null, updatedAt: { $lt: new Date(now - maxAgeS * 1000) } });
}

/** Sweeps every hour (or every `maxAgeS`, if shorter) in the background; returns the stop function. */
export function startCartSweeper(em: EntityManager, maxAgeS: number, log: Logger): () => void {
  const timer = setInterval(() => {
    sweepAbandonedCarts(em, maxAgeS).then(
      (deleted) => deleted && log.info({ deleted }, "deleted abandoned anonymous carts"),
      (err) => log.warn({ err }, "sweeping abandoned carts failed; trying again later"),
    );
  }, Math.min(3600, maxAgeS) * 1000);
  timer.unref(); // never what keeps the process alive
  return () => clearInterval(timer);
}

/** Deletes the anonymous cart of session `sessionKey`, whose session just ended (its lines go with it). */
export async function deleteAnonymousCart(em: EntityManager, sessionKey: string): Promise<void> {
  await em.fork().nativeDelete(Cart, { user: null, sessionKey });
}
