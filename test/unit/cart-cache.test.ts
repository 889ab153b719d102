import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CartCache, cartMessage, startCartCache, type CartKey } from "../../src/cache/cart-cache";
import { startCatalogCache } from "../../src/cache/catalog-cache";
import { DROP_ALL, localInvalidation } from "../../src/cache/invalidation";
import { freezeCart, type CartView } from "../../src/cart/cart-view";
import { ProductRecord } from "../../src/catalog/product-row";
import type { Config } from "../../src/config";
import { UserCache } from "../../src/user-cache/user-cache";
import { userInvalidation } from "../../src/user-cache/user-invalidation";

const USER: CartKey = { userId: 7 };
const GUEST: CartKey = { sessionKey: "public-id-of-a-session" };

const cartOf = (quantity: number): CartView => {
  const product = new ProductRecord({ id: 1, sku: "MUG", name: "Mug", description: "", price_cents: 500, stock: 10, active: 1 });
  return { lines: [{ product, quantity, lineTotalCents: 500 * quantity }], itemCount: quantity, totalCents: 500 * quantity };
};

/** A cache on a clock the test moves, and a loader that counts its calls. */
function setup(options: { ttlMs?: number; maxEntries?: number; isListening?: () => boolean } = {}) {
  let now = 0;
  const cache = new CartCache({ ttlMs: 60_000, maxEntries: 100, now: () => now, ...options });
  let loads = 0;
  const read = (owner: CartKey = USER, quantity = 1) => cache.read(owner, async () => (loads++, freezeCart(cartOf(quantity))));
  return { cache, read, loads: () => loads, advance: (ms: number) => (now += ms) };
}

/** A load the test finishes by hand, to interleave it with invalidations. */
function pendingLoad() {
  let finish!: (cart: CartView) => void;
  const promise = new Promise<CartView>((resolve) => (finish = resolve));
  return { load: () => promise, finish };
}

describe("the cart cache", () => {
  it("loads an owner's cart once, then serves it from memory, users and guests apart", async () => {
    const { read, loads } = setup();
    const first = await read(USER, 1);
    assert.equal(await read(USER), first);
    assert.equal((await read(GUEST, 2)).itemCount, 2);
    assert.equal((await read({ userId: 8 }, 3)).itemCount, 3);
    assert.equal(loads(), 3);
  });

  it("hands out frozen carts, products included: no request can change what the next one is served", async () => {
    const { read } = setup();
    const served = await read();
    assert.throws(() => ((served as { itemCount: number }).itemCount = 9), TypeError);
    assert.throws(() => served.lines.push(served.lines[0]), TypeError);
    assert.throws(() => ((served.lines[0] as { quantity: number }).quantity = 9), TypeError);
    assert.throws(() => ((served.lines[0].product as { name: string }).name = "Changed"), TypeError);
  });

  it("does not store a cart whose load started before an invalidation (a write committing meanwhile)", async () => {
    const { cache, read, loads } = setup();
    const racing = pendingLoad();
    const before = cache.read(USER, racing.load);
    cache.receive(cartMessage(USER));
    racing.finish(freezeCart(cartOf(1)));
    assert.equal((await before).itemCount, 1, "the racing read is answered");
    assert.equal(cache.has(USER), false, "but not kept");
    assert.equal((await read(USER, 2)).itemCount, 2, "the next read loads the cart as written");
    assert.equal(loads(), 1);
  });

  it("loads again once the TTL has passed (the bound on changes made around the API)", async () => {
    const { read, loads, advance } = setup();
    await read();
    advance(59_999);
    await read();
    advance(1);
    await read();
    assert.equal(loads(), 2);
  });

  it("keeps at most maxEntries carts, and none with a TTL of 0", async () => {
    const small = setup({ maxEntries: 2 });
    for (const userId of [1, 2, 3]) await small.read({ userId });
    assert.deepEqual([small.cache.size, small.cache.has({ userId: 1 }), small.cache.has({ userId: 3 })], [2, false, true]);
    const off = setup({ ttlMs: 0 });
    await off.read();
    await off.read();
    assert.deepEqual([off.loads(), off.cache.size, off.cache.enabled], [2, 0, false]);
  });

  it("serves and stores nothing while not listening, even a cart stored before", async () => {
    let listening = true;
    const { cache, read, loads } = setup({ isListening: () => listening });
    await read();
    listening = false;
    await read();
    await read();
    assert.deepEqual([loads(), cache.has(USER)], [3, false]);
  });

  it("drops one owner's cart by its message, a user's or a guest's, and no other", async () => {
    const { cache, read } = setup();
    for (const owner of [USER, GUEST, { userId: 8 }]) await read(owner);
    assert.equal(cache.receive(cartMessage(USER)), true);
    assert.equal(cache.receive(cartMessage(GUEST)), true);
    assert.deepEqual([cache.has(USER), cache.has(GUEST), cache.has({ userId: 8 })], [false, false, true]);
  });

  it("does not take another cache's message, nor a cart message that names no owner, for its own", () => {
    const { cache } = setup();
    for (const message of ["7", "cart:u:abc", "cart:u:0", "cart:s:", "cart:x:7", "catalogue"]) assert.equal(cache.receive(message), false, message);
  });
});

describe("the cart cache on the invalidation channel", () => {
  const config = { cartCache: { ttlMs: 60_000, maxEntries: 10 }, catalogCache: { ttlMs: 1000, maxEntries: 10 } } as Config;

  async function filled() {
    const invalidation = localInvalidation();
    const users = new UserCache({ ttlMs: 60_000, maxEntries: 10 });
    const userMessages = userInvalidation(users, invalidation);
    const catalog = startCatalogCache(config, invalidation);
    const carts = startCartCache(config, invalidation);
    await users.read(7, async () => ({ id: 7 }));
    await catalog.cache.product({ activeOnly: true, id: 1 }, async () => ({ id: 1 }));
    for (const owner of [USER, GUEST]) await carts.cache.read(owner, async () => freezeCart(cartOf(1)));
    return { invalidation, users, userMessages, catalog, carts };
  }
  const sizes = ({ users, catalog, carts }: Awaited<ReturnType<typeof filled>>) => [users.size, catalog.cache.size, carts.cache.size];

  it("an owner's invalidation drops that cart alone, and no user row or catalog answer", async () => {
    const caches = await filled();
    await caches.carts.invalidation.invalidate(GUEST);
    assert.deepEqual(sizes(caches), [1, 1, 1]);
    assert.equal(caches.carts.cache.has(USER), true);
  });

  it("a catalog invalidation empties the carts too: a cart shows its products' names, prices, stock and state", async () => {
    const caches = await filled();
    await caches.catalog.invalidation.invalidate();
    assert.deepEqual(sizes(caches), [1, 0, 0]);
  });

  it("a user's invalidation leaves the carts", async () => {
    const caches = await filled();
    await caches.userMessages.invalidate(7);
    assert.deepEqual(sizes(caches), [0, 1, 2]);
  });

  it("DROP_ALL, and a message no cache understands, empty every cache", async () => {
    for (const message of [DROP_ALL, "cart:u:abc", "cart"]) {
      const caches = await filled();
      await caches.invalidation.publish(message);
      assert.deepEqual(sizes(caches), [0, 0, 0], message);
    }
  });
});
