import type { Config } from "../config";
import { parseId } from "../entities/ids";
import { CATALOG_CHANGED } from "./catalog-cache";
import { ExpiringCache, type ExpiringCacheOptions } from "./expiring-cache";
import type { Invalidation } from "./invalidation";

/**
 * Whose cart, as src/cart/cart-owner.ts names it (this folder sits below the feature folders). The session
 * key is the session's public id (shown to its owner by `mySessions`), never its secret cookie id, so it
 * may travel in a message.
 */
export type CartKey = { userId: number } | { sessionKey: string };

/** The cart cache's messages on the invalidation channel: `cart:u:<user id>` or `cart:s:<session key>`. */
const PREFIX = "cart:";
/** The owner as one string: the cache's key and the tail of its message. */
export const keyOf = (owner: CartKey) => ("userId" in owner ? `u:${owner.userId}` : `s:${owner.sessionKey}`);
export const cartMessage = (owner: CartKey) => PREFIX + keyOf(owner);

/**
 * The carts that `cart` answers (src/cart/cart.ts, readCart), by owner, for at most CART_CACHE_TTL_MS.
 * Every write to a cart through the API drops that owner's cart on every instance before it answers
 * (writeCart, src/cart/cart-writes.ts), and every catalog invalidation empties it (a cart shows its
 * products' current names, prices, stock and state). The TTL bounds only writes made around the API.
 * Answers are frozen by the caller, so no request can change what the next one is served.
 */
export class CartCache {
  // Typed by the caller (src/cart/ reads CartViews): this folder sits below the feature folders.
  private readonly carts: ExpiringCache<string, object>;

  constructor(options: Omit<ExpiringCacheOptions, "shareLoads">) {
    this.carts = new ExpiringCache(options);
  }

  get enabled(): boolean {
    return this.carts.enabled;
  }

  get size(): number {
    return this.carts.size;
  }

  /** Whether this owner's cart would be served from memory now (for tests and diagnostics). */
  has(owner: CartKey): boolean {
    return this.carts.has(keyOf(owner));
  }

  read<T extends object>(owner: CartKey, load: () => Promise<T>): Promise<T> {
    return this.carts.read(keyOf(owner), load) as Promise<T>;
  }

  /** Forgets one owner's cart. Call it after the write has committed, never before. */
  drop(owner: CartKey): void {
    this.carts.drop(keyOf(owner));
  }

  dropAll(): void {
    this.carts.dropAll();
  }

  /** Acts on a message of the channel and says whether it was the cart cache's (or the catalog's, which it heeds too). */
  receive(message: string): boolean {
    if (message === CATALOG_CHANGED) {
      this.dropAll();
      return true;
    }
    if (!message.startsWith(PREFIX)) return false;
    const owner = ownerOf(message.slice(PREFIX.length));
    if (owner) this.drop(owner);
    return owner !== null;
  }
}

function ownerOf(key: string): CartKey | null {
  if (key.startsWith("u:")) {
    const userId = parseId(key.slice(2));
    return userId === null ? null : { userId };
  }
  return key.startsWith("s:") && key.length > 2 ? { sessionKey: key.slice(2) } : null;
}

/** Tells every instance's CartCache that an owner's cart changed. */
export interface CartInvalidation {
  /** Drops the owner's cart here at once and on every other instance; after the commit; never throws. */
  invalidate(owner: CartKey): Promise<void>;
}

export interface CartCaching {
  cache: CartCache;
  invalidation: CartInvalidation;
}

/** The cart cache as configured, on the instance's invalidation channel (src/cache/). */
export function startCartCache(config: Config, invalidation: Invalidation): CartCaching {
  const cache = new CartCache({
    ttlMs: config.cartCache.ttlMs,
    maxEntries: config.cartCache.maxEntries,
    isListening: () => invalidation.isListening(),
  });
  invalidation.register({ receive: (message) => cache.receive(message), dropAll: () => cache.dropAll() });
  return { cache, invalidation: { invalidate: (owner) => invalidation.publish(cartMessage(owner)) } };
}
