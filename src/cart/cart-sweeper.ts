import type { EntityManager } from "@mikro-orm/core";
import type { Logger } from "pino";
import { Cart } from "../entities/cart.entity";

/**
 * Leeway for the times written by other instances (clock skew) and for the minute cart_put_line may leave
 * updated_at behind a write (its session's lastSeenAt, which touchGuestCart follows, is what counts).
 */
const LEEWAY_S = 120;

/**
 * How old an anonymous cart's updated_at is once its session has surely ended: a cart is created after its
 * session starts and touched whenever the session's lastSeenAt is written (touchGuestCart), so a cart older
 * than the idle timeout (or the absolute one, if shorter) belongs to a session that ended.
 */
export function guestCartMaxAgeS(timeouts: { idleTimeoutS: number; absoluteTimeoutS: number }): number {
  return Math.min(timeouts.idleTimeoutS, timeouts.absoluteTimeoutS) + LEEWAY_S;
}

/** Marks the anonymous cart of session `sessionKey` as in use, with the session's lastSeenAt. */
export async function touchGuestCart(em: EntityManager, sessionKey: string, now: number): Promise<void> {
  await em.fork().nativeUpdate(Cart, { user: null, sessionKey }, { updatedAt: new Date(now) });
}

/**
 * Deletes anonymous carts untouched for `maxAgeS` (guestCartMaxAgeS: their session has ended, so nobody can
 * reach them any more). Returns how many were deleted; their lines go with them (ON DELETE CASCADE).
 */
export function sweepAbandonedCarts(em: EntityManager, maxAgeS: number, now = Date.now()): Promise<number> {
  return em.fork().nativeDelete(Cart, { user: null, updatedAt: { $lt: new Date(now - maxAgeS * 1000) } });
}

/** Deletes the anonymous cart of session `sessionKey`, whose session just ended (its lines go with it). */
export async function deleteAnonymousCart(em: EntityManager, sessionKey: string): Promise<void> {
  await em.fork().nativeDelete(Cart, { user: null, sessionKey });
}

/**
 * Sweeps every minute (one range scan of carts_updated_at_index) in the background, so a guest cart goes at
 * most a minute after guestCartMaxAgeS; returns the stop function.
 */
export function startCartSweeper(em: EntityManager, maxAgeS: number, log: Logger): () => void {
  const timer = setInterval(() => {
    sweepAbandonedCarts(em, maxAgeS).then(
      (deleted) => deleted && log.info({ deleted }, "deleted anonymous carts of ended sessions"),
      (err) => log.warn({ err }, "sweeping anonymous carts failed; trying again later"),
    );
  }, 60_000);
  timer.unref(); // never what keeps the process alive
  return () => clearInterval(timer);
}
