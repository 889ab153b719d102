import type { EntityManager } from "@mikro-orm/core";
import type { Logger } from "pino";
import { Cart } from "../entities/cart.entity";
import { touchCarts, writeCart, type CartWriter } from "./cart-writes";

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

/**
 * Marks the anonymous cart of session `sessionKey` as in use, with the session's lastSeenAt. Only updated_at
 * changes, which no cart shows: it drops no cached cart (touchCarts).
 */
export async function touchGuestCart(em: EntityManager, sessionKey: string, now: number): Promise<void> {
  await touchCarts(() => em.fork().nativeUpdate(Cart, { user: null, sessionKey }, { updatedAt: new Date(now) }));
}

/** Carts deleted per statement by the sweep: each one's owner is one invalidation message. */
const SWEEP_BATCH = 500;

/**
 * Deletes anonymous carts untouched for `maxAgeS` (guestCartMaxAgeS: their session has ended, so nobody can
 * reach them any more). Returns how many were deleted; their lines go with them (ON DELETE CASCADE). They are
 * found first, so that each one's cached copy is dropped by owner (writeCart) rather than every cart of every
 * instance; a cart touched in between stays (the DELETE checks its age again) and loses only its cached copy.
 */
export async function sweepAbandonedCarts(ctx: CartWriter, maxAgeS: number, now = Date.now()): Promise<number> {
  const before = new Date(now - maxAgeS * 1000);
  let deleted = 0;
  for (;;) {
    // Through the ORM, which writes the date as each database stores it (SQLite keeps a number).
    const carts = await ctx.em.fork().find(
      Cart,
      { user: null, updatedAt: { $lt: before } },
      { fields: ["id", "sessionKey"], orderBy: { updatedAt: "asc" }, limit: SWEEP_BATCH },
    );
    if (!carts.length) return deleted;
    deleted += await writeCart(ctx, carts.map((cart) => ({ sessionKey: cart.sessionKey! })), () =>
      ctx.em.fork().nativeDelete(Cart, { id: { $in: carts.map((cart) => cart.id) }, user: null, updatedAt: { $lt: before } }),
    );
    if (carts.length < SWEEP_BATCH) return deleted;
  }
}

/** Deletes the anonymous cart of session `sessionKey`, whose session just ended (its lines go with it). */
export async function deleteAnonymousCart(ctx: CartWriter, sessionKey: string): Promise<void> {
  await writeCart(ctx, { sessionKey }, () => ctx.em.fork().nativeDelete(Cart, { user: null, sessionKey }));
}

/**
 * Sweeps every minute (one range scan of carts_updated_at_index) in the background, so a guest cart goes at
 * most a minute after guestCartMaxAgeS; returns the stop function.
 */
export function startCartSweeper(ctx: CartWriter, maxAgeS: number, log: Logger): () => void {
  const timer = setInterval(() => {
    sweepAbandonedCarts(ctx, maxAgeS).then(
      (deleted) => deleted && log.info({ deleted }, "deleted anonymous carts of ended sessions"),
      (err) => log.warn({ err }, "sweeping anonymous carts failed; trying again later"),
    );
  }, 60_000);
  timer.unref(); // never what keeps the process alive
  return () => clearInterval(timer);
}
