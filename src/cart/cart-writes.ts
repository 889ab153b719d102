import type { EntityManager } from "@mikro-orm/core";
import { keyOf as key, type CartInvalidation, type CartKey } from "../cache/cart-cache";
import { WriteScope, sqliteTimestampRewrite } from "../cache/write-scope";

/** The owners whose carts a writeCart running in this async context changes; dropped from caches when it ends. */
interface CartWrite {
  owners: Map<string, CartKey>;
  open: boolean;
}

export interface CartWriter {
  em: EntityManager;
  services: { cartInvalidation: CartInvalidation };
}

/**
 * The one way the API changes rows of `carts` and `cart_lines` (line writes, the cart_put_line procedure,
 * a checkout, a login's merge, a logout, the sweeper, a user's deletion): runs `write`, which opens its own
 * transaction, then drops the owners' cached carts on every instance before the caller answers. Also when
 * `write` failed: a COMMIT whose answer was lost may still have happened, and a needless drop costs one
 * SELECT. Never before the transaction ends: a read could store the old cart again. A writeCart inside
 * another joins it; the outer one drops every owner after its commit. Any other write is refused (guardCartWrites).
 */
export async function writeCart<T>(ctx: CartWriter, owners: CartKey | CartKey[], write: () => Promise<T>): Promise<T> {
  const list = Array.isArray(owners) ? owners : [owners];
  const outer = cartWrites.open;
  if (outer) {
    for (const owner of list) outer.owners.set(key(owner), owner);
    return write();
  }
  if (ctx.em.isInTransaction()) {
    throw new Error("writeCart must open the transaction itself: inside another, it would invalidate before the commit");
  }
  const scope: CartWrite = { owners: new Map(list.map((owner) => [key(owner), owner])), open: true };
  try {
    return await cartWrites.run(scope, write);
  } finally {
    scope.open = false;
    await Promise.all([...scope.owners.values()].map((owner) => ctx.services.cartInvalidation.invalidate(owner)));
  }
}

/**
 * A write of a cart's updated_at alone (a guest cart's idle touch, touchGuestCart): it changes nothing a
 * cart shows, so it invalidates nothing. It runs whenever a guest's session writes its lastSeenAt (once a
 * minute per active guest), where a message to every instance would cost more than the cache saves.
 */
export function touchCarts<T>(write: () => Promise<T>): Promise<T> {
  return cartWrites.run({ owners: new Map(), open: true }, write);
}

const CART_TABLES = String.raw`[\x60"]?(?:carts|cart_lines)[\x60"]?`;
/** A statement that adds, changes or removes rows of carts or cart_lines, or the procedure that writes a line. */
const CHANGES_CARTS = new RegExp(
  String.raw`^\s*(?:insert\s+(?:ignore\s+)?into\s+${CART_TABLES}[\s(]|update\s+(?:ignore\s+)?${CART_TABLES}\s|` +
    String.raw`delete\s+(?:\S+\s+)?from\s+${CART_TABLES}(?:\s|$)|replace\s+into\s+${CART_TABLES}[\s(]|call\s+cart_put_line\b)`,
  "i",
);
/** A flush after loading carts on SQLite rewrites unchanged timestamps (see write-scope.ts): let through. */
const SQLITE_TIMESTAMP_REWRITE = sqliteTimestampRewrite("carts");

export class UnguardedCartWriteError extends Error {
  constructor(sql: string) {
    super(`a write to carts outside writeCart (src/cart/cart-writes.ts) would leave cached carts stale: ${sql.slice(0, 120)}`);
  }
}

const cartWrites = new WriteScope<CartWrite>(CHANGES_CARTS, (sql) => new UnguardedCartWriteError(sql), (sql) => SQLITE_TIMESTAMP_REWRITE.test(sql));

/** MikroORM's `onQuery` hook for the running API (server.ts): a statement that changes carts outside writeCart throws. */
export const guardCartWrites = cartWrites.guard;
