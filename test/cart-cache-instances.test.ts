import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TestClient } from "./helpers/client";
import { login, registerUser } from "./helpers/factories";
import { ServerOnOwnRedis } from "./helpers/deaf-server";
import {
  QUIET_MAIL_SENDER, flushUserCaches, freshDependencies, invalidationsDelivered, startEmbeddedServer, startTestServerOn, type TestServer,
} from "./helpers/server";
import {
  ADMIN_ENV, CART, CHECKOUT, CLEAR_CART, REMOVE_FROM_CART, SET_CART_QUANTITY, addToCart, cartLines, createProduct, loginAdmin, updateProduct,
  type CartView, type TestProduct,
} from "./helpers/shop";
import { countSql } from "./helpers/sql-counter";
import { DELETE_USER } from "./helpers/user-operations";
import type { CartKey } from "../src/cache/cart-cache";
import { readCart } from "../src/cart/cart";
import { sweepAbandonedCarts } from "../src/cart/cart-sweeper";
import type { Context } from "../src/context";
import { until } from "./helpers/until";

// Long, so that a change seen at once was brought by the invalidation, not by the TTL.
const LONG_TTL = { CART_CACHE_TTL_MS: "60000", CATALOG_CACHE_TTL_MS: "60000" };

/** The cart `client` gets from `server`, and the statements `server` sent that read cart lines. */
async function cartOn(server: TestServer, client: TestClient): Promise<{ cart: CartView; statements: string[] }> {
  await invalidationsDelivered(server);
  const { result, statements } = await countSql(server.services.orm, () => client.ok(CART));
  return { cart: result.cart, statements: statements.filter((sql) => /\bcart_lines\b/i.test(sql)) };
}

/** The cart as B serves it from memory: asserts that B sent no statement for it. */
async function cachedOn(server: TestServer, client: TestClient): Promise<CartView> {
  const { cart, statements } = await cartOn(server, client);
  assert.deepEqual(statements, [], "served from memory");
  return cart;
}

/**
 * Waits for B to drop `owner`'s cart: the message is in Redis when A's write returns, and B acts on it
 * when its subscriber reads it, within milliseconds (the window README's "The cart cache" documents).
 */
const droppedOn = (server: TestServer, owner: CartKey) => until("the cart was dropped", () => !server.services.cartCache.has(owner), { timeoutMs: 1000 });

/** The public session id an anonymous cart is keyed by, found by a product only that cart holds. */
async function sessionKeyOf(server: TestServer, product: TestProduct): Promise<string> {
  const [row] = await server.sql("SELECT c.session_key FROM carts c JOIN cart_lines cl ON cl.cart_id = c.id WHERE cl.product_id = ?", [product.id]);
  return row.session_key;
}

// Two instances on one MySQL database and one Redis prefix, as behind a load balancer; both run in this
// process, so each one's SQL can be counted. The same browser (cookie jar) talks to A, then to B.
describe("the cart cache on two instances (MySQL and Redis)", () => {
  let a: TestServer;
  let b: TestServer;
  let adminOnA: TestClient;

  before(async () => {
    const dependencies = await freshDependencies("cart_cache");
    const env = { ...ADMIN_ENV, ...QUIET_MAIL_SENDER, ...LONG_TTL, READ_YOUR_WRITES_S: "0" };
    a = await startTestServerOn(dependencies, env);
    b = await startTestServerOn(dependencies, env);
    adminOnA = await loginAdmin(a.client());
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it("a cart read again is served from memory: no SQL statement", async () => {
    const product = await createProduct(adminOnA);
    const onA = a.client();
    await addToCart(onA, product.id, 2);
    const first = await cartOn(b, onA.at(b.url));
    assert.deepEqual([first.statements.length, cartLines(first.cart)], [1, [[product.id, 2]]]);
    assert.deepEqual(await cachedOn(b, onA.at(b.url)), first.cart);
  });

  for (const who of ["a guest", "a logged-in user"]) {
    it(`every cart mutation of ${who} on A shows in B's next read at once`, async () => {
      const [mug, tea] = await Promise.all([createProduct(adminOnA, { stock: 50 }), createProduct(adminOnA, { stock: 50 })]);
      const onA = a.client();
      const onB = onA.at(b.url);
      if (who === "a logged-in user") await registerUser(onA);
      const steps: Array<[string, () => Promise<unknown>, Array<readonly [string, number]>]> = [
        ["addToCart", () => addToCart(onA, mug.id, 1), [[mug.id, 1]]],
        ["addToCart again", () => addToCart(onA, mug.id, 2), [[mug.id, 3]]],
        ["addToCart of another product", () => addToCart(onA, tea.id, 4), [[mug.id, 3], [tea.id, 4]]],
        ["setCartQuantity", () => onA.ok(SET_CART_QUANTITY, { productId: mug.id, quantity: 7 }), [[mug.id, 7], [tea.id, 4]]],
        ["setCartQuantity 0", () => onA.ok(SET_CART_QUANTITY, { productId: tea.id, quantity: 0 }), [[mug.id, 7]]],
        ["addToCart", () => addToCart(onA, tea.id, 1), [[mug.id, 7], [tea.id, 1]]],
        ["removeFromCart", () => onA.ok(REMOVE_FROM_CART, { productId: mug.id }), [[tea.id, 1]]],
        ["clearCart", () => onA.ok(CLEAR_CART), []],
      ];
      for (const [name, mutate, expected] of steps) {
        await cartOn(b, onB);
        await cachedOn(b, onB);
        await mutate();
        assert.deepEqual(cartLines((await cartOn(b, onB)).cart), expected, `after ${name}`);
      }
    });
  }

  it("a refused write drops the cart too (its COMMIT's answer may have been lost), and the cart stays as it was", async () => {
    const scarce = await createProduct(adminOnA, { stock: 2 });
    const onA = a.client();
    await addToCart(onA, scarce.id, 2);
    await cartOn(b, onA.at(b.url));
    await cachedOn(b, onA.at(b.url));
    assert.equal((await onA.gql(SET_CART_QUANTITY, { productId: scarce.id, quantity: 3 })).errors?.[0].extensions?.code, "OUT_OF_STOCK");
    const after = await cartOn(b, onA.at(b.url));
    assert.deepEqual([after.statements.length, cartLines(after.cart)], [1, [[scarce.id, 2]]]);
  });

  it("a checkout on A empties the cart B serves", async () => {
    const product = await createProduct(adminOnA);
    const shopper = a.client();
    await registerUser(shopper);
    await addToCart(shopper, product.id, 2);
    await cartOn(b, shopper.at(b.url));
    assert.equal((await cachedOn(b, shopper.at(b.url))).itemCount, 2);
    await shopper.ok(CHECKOUT);
    assert.deepEqual((await cartOn(b, shopper.at(b.url))).cart.lines, []);
  });

  it("a login on A merges the guest's cart into the user's, and B serves the merged cart", async () => {
    const [mine, theirs] = await Promise.all([createProduct(adminOnA), createProduct(adminOnA)]);
    const device = a.client();
    const user = await registerUser(device);
    await addToCart(device, mine.id, 1);
    await cartOn(b, device.at(b.url));
    await cachedOn(b, device.at(b.url));

    const guest = a.client();
    await addToCart(guest, theirs.id, 2);
    const guestKey = await sessionKeyOf(a, theirs);
    await cartOn(b, guest.at(b.url));
    assert.equal(b.services.cartCache.has({ sessionKey: guestKey }), true);
    assert.deepEqual((await login(guest, user.email)).errors, undefined);

    assert.deepEqual(cartLines((await cartOn(b, device.at(b.url))).cart), [[mine.id, 1], [theirs.id, 2]], "the user's other device");
    assert.deepEqual(cartLines((await cartOn(b, guest.at(b.url))).cart), [[mine.id, 1], [theirs.id, 2]]);
    await droppedOn(b, { sessionKey: guestKey }); // the guest cart, merged away
  });

  it("an ADMIN's change of a product on A (price, name, stock, then active=false) shows in the cart B serves", async () => {
    const product = await createProduct(adminOnA, { name: "Before", priceCents: 1000, stock: 10 });
    const shopper = a.client();
    const onB = shopper.at(b.url);
    await addToCart(shopper, product.id, 2);
    await cartOn(b, onB);
    await cachedOn(b, onB);

    await updateProduct(adminOnA, product.id, { name: "After", priceCents: 1500, stock: 5 });
    const changed = (await cartOn(b, onB)).cart;
    const { name, priceCents, stock } = changed.lines[0].product;
    assert.deepEqual([name, priceCents, stock, changed.totalCents], ["After", 1500, 5, 3000]);

    await cachedOn(b, onB);
    await updateProduct(adminOnA, product.id, { active: false });
    assert.equal((await cartOn(b, onB)).cart.lines[0].product.active, false);
  });

  /** A guest with one line in a cart made on A, which B has read and cached. */
  async function guestCartCachedOnB() {
    const product = await createProduct(adminOnA);
    const guest = a.client();
    await addToCart(guest, product.id, 1);
    const owner = { sessionKey: await sessionKeyOf(a, product) };
    await cartOn(b, guest.at(b.url));
    assert.equal(b.services.cartCache.has(owner), true);
    return { guest, owner };
  }

  it("a guest's logout on A drops their cart on B (it is deleted with the session)", async () => {
    const { guest, owner } = await guestCartCachedOnB();
    assert.equal((await guest.ok("mutation { logout }")).logout, true);
    await droppedOn(b, owner);
    assert.deepEqual((await cartOn(b, guest.at(b.url))).cart.lines, []);
  });

  it("deleting a user on A drops their cart on B (it goes with them)", async () => {
    const product = await createProduct(adminOnA);
    const shopper = a.client();
    const user = await registerUser(shopper);
    await addToCart(shopper, product.id, 1);
    await cartOn(b, shopper.at(b.url));
    const owner = { userId: Number(user.id) };
    assert.equal(b.services.cartCache.has(owner), true);
    assert.equal((await adminOnA.ok(DELETE_USER, { id: user.id })).deleteUser, true);
    await droppedOn(b, owner);
  });

  it("the sweeper on A drops the abandoned carts it deletes from B's cache", async () => {
    const { guest, owner } = await guestCartCachedOnB();
    await a.sql("UPDATE carts SET updated_at = UTC_TIMESTAMP(3) - INTERVAL 1 DAY WHERE session_key = ?", [owner.sessionKey]);
    assert.ok((await sweepAbandonedCarts({ em: a.services.orm.em, services: a.services }, 3600)) >= 1);
    await droppedOn(b, owner);
    assert.deepEqual((await cartOn(b, guest.at(b.url))).cart.lines, [], "the guest's session lives on, with an empty cart");
  });

  it("a change made in SQL by hand shows within the TTL, or at once after a flush (the documented bound)", async () => {
    const product = await createProduct(adminOnA);
    const onA = a.client();
    await addToCart(onA, product.id, 1);
    await cartOn(b, onA.at(b.url));
    await a.sql("UPDATE cart_lines SET quantity = 5 WHERE product_id = ?", [product.id]);
    assert.deepEqual(cartLines(await cachedOn(b, onA.at(b.url))), [[product.id, 1]]); // until CART_CACHE_TTL_MS
    await flushUserCaches(b); // the operator's '*': every cache of every instance
    assert.deepEqual(cartLines((await cartOn(b, onA.at(b.url))).cart), [[product.id, 5]]);
  });
});

describe("the cart cache while its invalidations cannot arrive (Redis down)", () => {
  let deaf: ServerOnOwnRedis;
  let server: TestServer;
  before(async () => {
    deaf = await ServerOnOwnRedis.start("cart_cache_deaf", { ...ADMIN_ENV, ...QUIET_MAIL_SENDER, ...LONG_TTL });
    server = deaf.server;
  });
  after(async () => {
    await deaf?.close();
  });

  // The sessions live in that Redis too, so no request gets through while it is down: the cart is read as a
  // request would read it (readCart with the user's context), each read's statements counted.
  it("reads every cart from the database and keeps none while the subscriber is disconnected, and caches again once back", async () => {
    const product = await createProduct(await loginAdmin(server.client()));
    const shopper = server.client();
    const user = await registerUser(shopper);
    await addToCart(shopper, product.id, 1);
    const read = async () => {
      const ctx = { em: server.services.orm.em.fork(), services: server.services, viewer: { id: Number(user.id) }, session: {} } as unknown as Context;
      const { result, statements } = await countSql(server.services.orm, () => readCart(ctx));
      return { lines: result.lines.map((line) => [String(line.product.id), line.quantity]), statements: statements.length };
    };
    await invalidationsDelivered(server); // the writes' own messages come back over Redis, and would drop what it keeps
    assert.deepEqual([await read(), await read()], [{ lines: [[product.id, 1]], statements: 1 }, { lines: [[product.id, 1]], statements: 0 }]);

    await deaf.deafen();
    await server.sql("UPDATE cart_lines SET quantity = 4 WHERE product_id = ?", [product.id]);
    for (let i = 0; i < 2; i++) assert.deepEqual(await read(), { lines: [[product.id, 4]], statements: 1 });
    assert.equal(server.services.cartCache.size, 0);

    await deaf.restore();
    assert.deepEqual([(await read()).statements, (await read()).statements], [1, 0]);
  });
});

describe("the cart cache turned off (CART_CACHE_TTL_MS=0)", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServerOn(await freshDependencies("cart_cache_off"), { ...ADMIN_ENV, ...QUIET_MAIL_SENDER, CART_CACHE_TTL_MS: "0" });
  });
  after(() => server?.close());

  it("sends a statement for every read, and keeps nothing", async () => {
    const product = await createProduct(await loginAdmin(server.client()));
    const shopper = server.client();
    await addToCart(shopper, product.id, 1);
    for (let i = 0; i < 3; i++) assert.equal((await cartOn(server, shopper)).statements.length, 1);
    assert.equal(server.services.cartCache.size, 0);
  });
});

describe("the cart cache on the embedded defaults (SQLite, one instance)", () => {
  let server: TestServer;
  before(async () => {
    server = await startEmbeddedServer({ ...ADMIN_ENV, ...LONG_TTL });
  });
  after(() => server?.close());

  it("caches carts, and every write through the API shows at once", async () => {
    const admin = await loginAdmin(server.client());
    const product = await createProduct(admin, { priceCents: 300 });
    const guest = server.client();
    await addToCart(guest, product.id, 1);
    await cartOn(server, guest);
    assert.deepEqual(cartLines(await cachedOn(server, guest)), [[product.id, 1]]);
    await addToCart(guest, product.id, 2);
    assert.deepEqual(cartLines((await cartOn(server, guest)).cart), [[product.id, 3]]);
    await cachedOn(server, guest);
    await updateProduct(admin, product.id, { priceCents: 400 });
    assert.equal((await cartOn(server, guest)).cart.totalCents, 1200);
    await registerUser(guest);
    assert.deepEqual(cartLines((await cartOn(server, guest)).cart), [[product.id, 3]], "merged at registration");
    await guest.ok(CHECKOUT);
    assert.deepEqual((await cartOn(server, guest)).cart.lines, []);
  });

  it("the sweep deletes an abandoned guest cart and drops it from the cache", async () => {
    const product = await createProduct(await loginAdmin(server.client()));
    const guest = server.client();
    await addToCart(guest, product.id, 1);
    await cartOn(server, guest);
    assert.equal(server.services.cartCache.size > 0, true);
    const writer = { em: server.services.orm.em, services: server.services };
    // A sweep as of a day from now: every guest cart of this server is then abandoned.
    assert.ok((await sweepAbandonedCarts(writer, 60, Date.now() + 86_400_000)) >= 1);
    const after = await cartOn(server, guest);
    assert.deepEqual([after.cart.lines, after.statements.length], [[], 1]);
  });
});
