import type { EntityManager } from "@mikro-orm/core";
import { keyOf as key, type CartInvalidation, type CartKey } from "../cache/cart-cache";
import { WriteScope, statementsChanging } from "../cache/write-scope";

export interface CartWriter {
  em: EntityManager;
  services: { cartInvalidation: CartInvalidation };
}

/**
 * The one way the API changes rows of `carts` and `cart_lines` (line writes, the cart_put_line procedure,
 * a checkout, a login's merge, a logout, the sweeper, a user's deletion): runs `write`, which opens its own
 * transaction, then drops the owners' cached carts on every instance before the caller answers, by WriteScope's
 * rule (src/cache/write-scope.ts): after the commit, also when the write failed; a writeCart inside another
 * joins it. Any other write is refused (guardCartWrites).
 */
export function writeCart<T>(ctx: CartWriter, owners: CartKey | CartKey[], write: () => Promise<T>): Promise<T> {
  return cartWrites.write(ctx.em, Array.isArray(owners) ? owners : [owners], (owner) => ctx.services.cartInvalidation.invalidate(owner), write);
}

/**
 * A write of a cart's updated_at alone (a guest cart's idle touch, touchGuestCart): it changes nothing a
 * cart shows, so it invalidates nothing. It runs whenever a guest's session writes its lastSeenAt (once a
 * minute per active guest), where a message to every instance would cost more than the cache saves.
 */
export function touchCarts<T>(write: () => Promise<T>): Promise<T> {
  return cartWrites.untracked(write);
}


export class UnguardedCartWriteError extends Error {
  constructor(sql: string) {
    super(`a write to carts outside writeCart (src/cart/cart-writes.ts) would leave cached carts stale: ${sql.slice(0, 120)}`);
  }
}

const cartWrites = new WriteScope<CartKey>({
  name: "writeCart",
  // ... and the procedure that writes a line.
  changes: statementsChanging(["carts", "cart_lines"], "any", [String.raw`call\s+cart_put_line\b`]),
  refusal: (sql) => new UnguardedCartWriteError(sql),
  // A flush after loading carts on SQLite rewrites their unchanged timestamps (see write-scope.ts).
  timestampsOf: "carts",
  idOf: key,
});

/** MikroORM's `onQuery` hook for the running API (server.ts): a statement that changes carts outside writeCart throws. */
export const guardCartWrites = cartWrites.guard;
