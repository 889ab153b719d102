import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { guestCartMaxAgeS, sweepAbandonedCarts } from "../src/cart/cart-sweeper";
import { startServer, type RunningServer } from "../src/server";
import { refusalOfProcedure } from "../src/cart/cart";
import { createCart, inLockedCart, putLine, upsertLine } from "../src/cart/cart-store";
import { callProcedure } from "../src/db/plain-sql";
import { cartView, loadCart } from "../src/cart/cart-view";
import { writeCart } from "../src/cart/cart-writes";
import type { CartKey } from "../src/cache/cart-cache";
import { CartLine } from "../src/entities/cart-line.entity";
import { TestClient, codes } from "./helpers/client";
import { TestClock } from "./helpers/clock";
import { login, registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import {
  ADD_TO_CART,
  RACE_ENV,
  CART,
  CLEAR_CART,
  REMOVE_FROM_CART,
  SET_CART_QUANTITY,
  addToCart,
  cartLines,
  createProduct,
  loginAdmin,
  readCart,
  tally,
  updateProduct,
} from "./helpers/shop";

let server: TestServer;
/** A write straight to the store, as the API makes it: in writeCart, outside which the server refuses it. */
const cartWrite = <T>(owner: CartKey, write: () => Promise<T>, on: TestServer = server) =>
  writeCart({ em: on.services.orm.em, services: on.services }, owner, write);
let admin: TestClient;
before(async () => {
  server = await startTestServer("cart", RACE_ENV);
  admin = await loginAdmin(server.client());
});
after(() => server?.close());

const hasSessionCookie = async (client: TestClient) =>
  (await client.cookies()).some((c) => c.key === server.config.session.cookieName);

async function logout(client: TestClient) {
  return (await client.ok("mutation { logout }")).logout;
}

describe("reading the cart", () => {
  it("is empty for a new visitor and starts no session", async () => {
    const client = server.client();
    const res = await client.gql(CART);
    assert.deepEqual(res.data.cart, { lines: [], itemCount: 0, totalCents: 0 });
    assert.equal(res.headers.get("set-cookie"), null);
    assert.equal(await hasSessionCookie(client), false);
  });
});

describe("addToCart", () => {
  it("starts a session for a visitor and keeps the cart across requests", async () => {
    const product = await createProduct(admin, { priceCents: 250 });
    const client = server.client();
    const cart = await addToCart(client, product.id, 2);
    assert.equal(await hasSessionCookie(client), true);
    assert.deepEqual(cart, { lines: [{ product, quantity: 2, lineTotalCents: 500 }], itemCount: 2, totalCents: 500 });
    assert.deepEqual(await readCart(client), cart);
  });

  it("adds 1 when no quantity is given", async () => {
    const product = await createProduct(admin);
    const res = await server.client().ok(`mutation($id: ID!) { addToCart(productId: $id) { itemCount } }`, { id: product.id });
    assert.equal(res.addToCart.itemCount, 1);
  });

  it("adds to the quantity of a line and lists lines in the order they were first added", async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map((n) => createProduct(admin, { priceCents: n * 100 })));
    const client = server.client();
    await addToCart(client, b.id, 1);
    await addToCart(client, a.id, 2);
    await addToCart(client, c.id, 1);
    const cart = await addToCart(client, b.id, 3);
    assert.deepEqual(cartLines(cart), [[b.id, 4], [a.id, 2], [c.id, 1]]);
    assert.equal(cart.itemCount, 7);
    assert.equal(cart.totalCents, 4 * 200 + 2 * 100 + 1 * 300);
  });

  it("totals at the current price, not the price when added", async () => {
    const product = await createProduct(admin, { priceCents: 1000 });
    const client = server.client();
    await addToCart(client, product.id, 3);
    await updateProduct(admin, product.id, { priceCents: 1200 });
    const cart = await readCart(client);
    assert.equal(cart.lines[0].lineTotalCents, 3600);
    assert.equal(cart.totalCents, 3600);
  });

  it("answers NOT_FOUND for a product that does not exist, starting no session", async () => {
    for (const productId of ["999999999", "nope"]) {
      const client = server.client();
      const res = await client.gql(ADD_TO_CART, { productId, quantity: 1 });
      assert.deepEqual(codes(res), ["NOT_FOUND"], productId);
      assert.equal(await hasSessionCookie(client), false);
    }
  });

  it("answers NOT_FOUND for an inactive product", async () => {
    const product = await createProduct(admin, { active: false });
    const res = await server.client().gql(ADD_TO_CART, { productId: product.id, quantity: 1 });
    assert.deepEqual(codes(res), ["NOT_FOUND"]);
  });

  for (const quantity of [0, -1, 100]) {
    it(`refuses quantity ${quantity} with BAD_USER_INPUT on fields.quantity, starting no session`, async () => {
      const product = await createProduct(admin);
      const client = server.client();
      const res = await client.gql(ADD_TO_CART, { productId: product.id, quantity });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
      assert.equal(typeof res.errors![0].extensions!.fields.quantity, "string");
      assert.equal(await hasSessionCookie(client), false);
    });
  }

  it("refuses to take a line above 99 with BAD_USER_INPUT on fields.quantity, leaving the cart as it was", async () => {
    const product = await createProduct(admin, { stock: 500 });
    const client = server.client();
    await addToCart(client, product.id, 95);
    const res = await client.gql(ADD_TO_CART, { productId: product.id, quantity: 5 });
    assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
    assert.equal(typeof res.errors![0].extensions!.fields.quantity, "string");
    assert.deepEqual(cartLines(await readCart(client)), [[product.id, 95]]);
    assert.equal((await addToCart(client, product.id, 4)).itemCount, 99);
  });

  it("refuses more than the stock with OUT_OF_STOCK, productId and available", async () => {
    const product = await createProduct(admin, { stock: 5 });
    const client = server.client();
    const tooMany = await client.gql(ADD_TO_CART, { productId: product.id, quantity: 6 });
    assert.deepEqual(codes(tooMany), ["OUT_OF_STOCK"]);
    assert.deepEqual(
      { productId: tooMany.errors![0].extensions!.productId, available: tooMany.errors![0].extensions!.available },
      { productId: product.id, available: 5 },
    );
    await addToCart(client, product.id, 3);
    const withCart = await client.gql(ADD_TO_CART, { productId: product.id, quantity: 3 });
    assert.deepEqual(codes(withCart), ["OUT_OF_STOCK"]);
    assert.equal(withCart.errors![0].extensions!.available, 5);
    assert.deepEqual(cartLines(await readCart(client)), [[product.id, 3]]);
  });

  it("refuses a 51st different product with BAD_USER_INPUT on fields.cart", async () => {
    const client = server.client();
    for (let i = 0; i < 50; i++) await addToCart(client, (await createProduct(admin)).id, 1);
    const res = await client.gql(ADD_TO_CART, { productId: (await createProduct(admin)).id, quantity: 1 });
    assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
    assert.equal(typeof res.errors![0].extensions!.fields.cart, "string");
    assert.equal((await readCart(client)).lines.length, 50);
  });

  it("answers NOT_FOUND, leaving the cart as it was, for a visitor with a cart adding a missing or inactive product", async () => {
    const [kept, inactive] = await Promise.all([createProduct(admin), createProduct(admin, { active: false })]);
    const client = server.client();
    await addToCart(client, kept.id, 2);
    for (const productId of ["999999999", inactive.id]) {
      for (const mutation of [ADD_TO_CART, SET_CART_QUANTITY]) {
        const res = await client.gql(mutation, { productId, quantity: 1 });
        assert.deepEqual(codes(res), ["NOT_FOUND"], `${productId} ${mutation}`);
      }
    }
    assert.deepEqual(cartLines(await readCart(client)), [[kept.id, 2]]);
  });
});

describe("setCartQuantity", () => {
  it("sets a line's quantity, adding the line when needed", async () => {
    const [a, b] = await Promise.all([createProduct(admin), createProduct(admin)]);
    const client = server.client();
    await addToCart(client, a.id, 5);
    await client.ok(SET_CART_QUANTITY, { productId: a.id, quantity: 2 });
    const cart = (await client.ok(SET_CART_QUANTITY, { productId: b.id, quantity: 7 })).setCartQuantity;
    assert.deepEqual(cartLines(cart), [[a.id, 2], [b.id, 7]]);
  });

  it("removes the line at 0, also for a product that became inactive", async () => {
    const [a, b] = await Promise.all([createProduct(admin), createProduct(admin)]);
    const client = server.client();
    await addToCart(client, a.id, 1);
    await addToCart(client, b.id, 1);
    await updateProduct(admin, b.id, { active: false });
    await client.ok(SET_CART_QUANTITY, { productId: a.id, quantity: 0 });
    const cart = (await client.ok(SET_CART_QUANTITY, { productId: b.id, quantity: 0 })).setCartQuantity;
    assert.deepEqual(cart, { lines: [], itemCount: 0, totalCents: 0 });
  });

  it("at 0 starts no session for a visitor who has none", async () => {
    const product = await createProduct(admin);
    const client = server.client();
    const res = await client.ok(SET_CART_QUANTITY, { productId: product.id, quantity: 0 });
    assert.deepEqual(res.setCartQuantity.lines, []);
    assert.equal(await hasSessionCookie(client), false);
  });

  for (const quantity of [-1, 100]) {
    it(`refuses quantity ${quantity} with BAD_USER_INPUT on fields.quantity`, async () => {
      const product = await createProduct(admin);
      const res = await server.client().gql(SET_CART_QUANTITY, { productId: product.id, quantity });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
      assert.equal(typeof res.errors![0].extensions!.fields.quantity, "string");
    });
  }

  it("refuses more than the stock with OUT_OF_STOCK and available", async () => {
    const product = await createProduct(admin, { stock: 4 });
    const client = server.client();
    await addToCart(client, product.id, 1);
    const res = await client.gql(SET_CART_QUANTITY, { productId: product.id, quantity: 5 });
    assert.deepEqual(codes(res), ["OUT_OF_STOCK"]);
    assert.equal(res.errors![0].extensions!.available, 4);
    assert.deepEqual(cartLines(await readCart(client)), [[product.id, 1]]);
  });

  it("answers NOT_FOUND for a product that does not exist or is inactive", async () => {
    const inactive = await createProduct(admin, { active: false });
    for (const productId of ["999999999", inactive.id]) {
      const res = await server.client().gql(SET_CART_QUANTITY, { productId, quantity: 1 });
      assert.deepEqual(codes(res), ["NOT_FOUND"], productId);
    }
  });
});

describe("removeFromCart and clearCart", () => {
  it("removes one line and keeps the others", async () => {
    const [a, b] = await Promise.all([createProduct(admin), createProduct(admin)]);
    const client = server.client();
    await addToCart(client, a.id, 1);
    await addToCart(client, b.id, 2);
    const cart = (await client.ok(REMOVE_FROM_CART, { productId: a.id })).removeFromCart;
    assert.deepEqual(cartLines(cart), [[b.id, 2]]);
  });

  it("is a no-op for a product that exists but is not in the cart", async () => {
    const [a, b] = await Promise.all([createProduct(admin), createProduct(admin)]);
    const client = server.client();
    const before = await addToCart(client, a.id, 1);
    assert.deepEqual((await client.ok(REMOVE_FROM_CART, { productId: b.id })).removeFromCart, before);
    const stranger = server.client();
    assert.deepEqual((await stranger.ok(REMOVE_FROM_CART, { productId: b.id })).removeFromCart.lines, []);
    assert.equal(await hasSessionCookie(stranger), false);
  });

  it("answers NOT_FOUND for removing a product that does not exist", async () => {
    const res = await server.client().gql(REMOVE_FROM_CART, { productId: "999999999" });
    assert.deepEqual(codes(res), ["NOT_FOUND"]);
  });

  it("clearCart empties the cart, and starts no session for a visitor who has none", async () => {
    const product = await createProduct(admin);
    const client = server.client();
    await addToCart(client, product.id, 3);
    assert.deepEqual((await client.ok(CLEAR_CART)).clearCart, { lines: [], itemCount: 0, totalCents: 0 });
    assert.deepEqual(await readCart(client), { lines: [], itemCount: 0, totalCents: 0 });
    const stranger = server.client();
    assert.deepEqual((await stranger.ok(CLEAR_CART)).clearCart.lines, []);
    assert.equal(await hasSessionCookie(stranger), false);
  });
});

describe("concurrent writes, through two instances sharing MySQL and Redis", () => {
  // Within one instance a visitor's cart writes also queue in process; two instances leave only the
  // database's locks between them.
  let second: RunningServer;
  before(async () => {
    second = await startServer(server.config);
  });
  after(() => second?.close());

  /** The two instances as seen by one browser: the same session cookie on both. */
  const onBoth = async (client: TestClient) => [client, new TestClient(second.url, { cookie: await client.cookieHeader() })];
  const burst = (clients: TestClient[], count: number, productId: string) =>
    Promise.all(Array.from({ length: count }, (_, i) => clients[i % 2].gql(ADD_TO_CART, { productId, quantity: 1 })));

  it("50 concurrent adds of one product on one session end with quantity 50", async () => {
    const [first, product] = await Promise.all([createProduct(admin), createProduct(admin, { stock: 1000 })]);
    const client = server.client();
    await addToCart(client, first.id, 1); // the session exists before the burst, as in a browser
    const results = await burst(await onBoth(client), 50, product.id);
    assert.deepEqual(results.flatMap((res) => res.errors ?? []), []);
    assert.deepEqual(cartLines(await readCart(client)), [[first.id, 1], [product.id, 50]]);
  });

  it("50 concurrent first adds of a logged-in user create one cart holding all 50", async () => {
    const product = await createProduct(admin, { stock: 1000 });
    const client = server.client();
    const user = await registerUser(client);
    const results = await burst(await onBoth(client), 50, product.id);
    assert.deepEqual(results.flatMap((res) => res.errors ?? []), []);
    assert.deepEqual(cartLines(await readCart(client)), [[product.id, 50]]);
    assert.equal((await server.sql("SELECT id FROM carts WHERE user_id = ?", [user.id])).length, 1);
  });

  it("the cart row lock alone serializes writers: 30 concurrent read-then-write increments lose none", async () => {
    const product = await createProduct(admin);
    const owner = { sessionKey: `lock-${Date.now()}-${Math.random()}` };
    const increment = () =>
      cartWrite(owner, () =>
        inLockedCart(server.services.orm.em, owner, async (tem, cart) => {
          const line = await tem.findOne(CartLine, { cart, product: Number(product.id) });
          await upsertLine(tem, cart, Number(product.id), (line?.quantity ?? 0) + 1, "set");
        }),
      );
    await Promise.all(Array.from({ length: 30 }, increment));
    const [row] = await server.sql(
      "SELECT quantity FROM cart_lines JOIN carts ON carts.id = cart_id WHERE session_key = ?",
      [owner.sessionKey],
    );
    assert.equal(row.quantity, 30);
  });

  it("50 concurrent creations of one cart leave one row", async () => {
    const sessionKey = `race-${Date.now()}-${Math.random()}`;
    await Promise.all(Array.from({ length: 50 }, () => cartWrite({ sessionKey }, () => createCart(server.services.orm.em, { sessionKey }))));
    assert.equal((await server.sql("SELECT id FROM carts WHERE session_key = ?", [sessionKey])).length, 1);
  });

  it("20 concurrent adds of different products end with 20 lines", async () => {
    const products = await Promise.all(Array.from({ length: 20 }, () => createProduct(admin)));
    const client = server.client();
    await addToCart(client, products[0].id, 1);
    const clients = await onBoth(client);
    const results = await Promise.all(products.slice(1).map((p, i) => clients[i % 2].gql(ADD_TO_CART, { productId: p.id, quantity: 1 })));
    assert.deepEqual(results.flatMap((res) => res.errors ?? []), []);
    const cart = await readCart(client);
    assert.equal(cart.lines.length, 20);
    assert.deepEqual(new Set(cart.lines.map((l) => l.product.id)), new Set(products.map((p) => p.id)));
    assert.equal(cart.itemCount, 20);
  });

  it("concurrent adds of new products never take a cart above 50 lines", async () => {
    const client = server.client();
    for (let i = 0; i < 48; i++) await addToCart(client, (await createProduct(admin)).id, 1);
    const extra = await Promise.all(Array.from({ length: 6 }, () => createProduct(admin)));
    const clients = await onBoth(client);
    const results = await Promise.all(extra.map((p, i) => clients[i % 2].gql(ADD_TO_CART, { productId: p.id, quantity: 1 })));
    assert.deepEqual(tally(results), { OK: 2, BAD_USER_INPUT: 4 });
    assert.ok(results.filter((res) => res.errors).every((res) => typeof res.errors![0].extensions!.fields.cart === "string"));
    assert.equal((await readCart(client)).lines.length, 50);
  });

  it("concurrent adds never take a line above the stock or above 99", async () => {
    const [scarce, plenty] = await Promise.all([createProduct(admin, { stock: 10 }), createProduct(admin, { stock: 1000 })]);
    const client = server.client();
    await addToCart(client, plenty.id, 90);
    const clients = await onBoth(client);
    const [forScarce, forPlenty] = await Promise.all([burst(clients, 25, scarce.id), burst(clients, 25, plenty.id)]);
    assert.deepEqual(tally(forScarce), { OK: 10, OUT_OF_STOCK: 15 });
    assert.deepEqual(tally(forPlenty), { OK: 9, BAD_USER_INPUT: 16 });
    assert.deepEqual(cartLines(await readCart(client)), [[plenty.id, 99], [scarce.id, 10]]);
  });
});

describe("cart_put_line, the MySQL line write", () => {
  it("creates the cart when there is none, writes within the limits, and answers what it saw when it refuses", async () => {
    const [a, b, c] = await Promise.all([createProduct(admin, { stock: 7 }), createProduct(admin), createProduct(admin)]);
    const em = server.services.orm.em;
    const owner = { sessionKey: `put-${Date.now()}-${Math.random()}` };
    const applied = async (productId: string, quantity: number, mode: "add" | "set") => {
      const outcome = await cartWrite(owner, () => putLine(em, owner, Number(productId), quantity, mode));
      assert.ok(outcome.applied, JSON.stringify(outcome));
      // The lines it answers are the cart as loadCart reads it after the write, column for column.
      assert.deepEqual(cartView(outcome.lines), await loadCart(em.fork(), owner));
      return outcome.lines.map((line) => [String(line.id), Number(line.quantity)]);
    };
    assert.deepEqual(await applied(a.id, 3, "add"), [[a.id, 3]]);
    assert.deepEqual(await applied(a.id, 2, "add"), [[a.id, 5]]);
    assert.deepEqual(await cartWrite(owner, () => putLine(em, owner, Number(a.id), 3, "add")), {
      applied: false,
      state: { stock: 7, active: true, lineCount: 1, inCart: 5, priceCents: 1000, otherTotalCents: 0 },
    });
    assert.deepEqual(await applied(b.id, 9, "set"), [[a.id, 5], [b.id, 9]]);
    assert.deepEqual(await cartWrite(owner, () => putLine(em, owner, Number(c.id), 101, "add")), {
      applied: false,
      state: { stock: 100, active: true, lineCount: 2, inCart: 0, priceCents: 1000, otherTotalCents: 14000 },
    });
    assert.deepEqual(await cartWrite(owner, () => putLine(em, owner, 999999999, 1, "add")), { applied: false, state: null });
    const rows = await server.sql(
      "SELECT product_id, quantity FROM cart_lines JOIN carts ON carts.id = cart_id WHERE session_key = ? ORDER BY cart_lines.id",
      [owner.sessionKey],
    );
    assert.deepEqual(rows.map((r: any) => [String(r.product_id), r.quantity]), [[a.id, 5], [b.id, 9]]);
  });

  it("is replaced by its last migration and restored by its down: the previous text, limits passed in", async () => {
    const product = await createProduct(admin);
    const em = server.services.orm.em;
    const owner = { sessionKey: `put-down-${Date.now()}-${Math.random()}` };
    const migrator = server.services.orm.migrator;
    // Named, so that later migrations (of other tables) stay as they are.
    const migrations = ["Migration20261204233000"];
    const [last] = await migrator.down({ migrations });
    assert.equal(last.name, "Migration20261204233000");
    try {
      await assert.rejects(cartWrite(owner, () => putLine(em, owner, Number(product.id), 1, "add")), /arguments/i);
      await cartWrite(owner, () => createCart(em, owner));
      const [[row]] = (await cartWrite(owner, () => callProcedure(em, "cart_put_line", [null, owner.sessionKey, Number(product.id), 1, true, 99, 50, new Date()]))) as any;
      assert.equal(row.outcome, "applied");
    } finally {
      await migrator.up({ migrations });
    }
    const outcome = await cartWrite(owner, () => putLine(em, owner, Number(product.id), 1, "add"));
    assert.ok(outcome.applied && outcome.lines.length === 1 && Number(outcome.lines[0].quantity) === 2, JSON.stringify(outcome));
  });

  it("touches the cart's updated_at when it is a minute old, not on every write", async () => {
    const product = await createProduct(admin);
    const em = server.services.orm.em;
    const owner = { sessionKey: `put-touch-${Date.now()}-${Math.random()}` };
    await cartWrite(owner, () => putLine(em, owner, Number(product.id), 1, "add"));
    const age = async (secondsAgo: number) => {
      await server.sql("UPDATE carts SET updated_at = UTC_TIMESTAMP(3) - INTERVAL ? SECOND WHERE session_key = ?", [secondsAgo, owner.sessionKey]);
      assert.ok((await cartWrite(owner, () => putLine(em, owner, Number(product.id), 1, "add"))).applied);
      const [{ seconds }] = await server.sql("SELECT TIMESTAMPDIFF(SECOND, updated_at, UTC_TIMESTAMP(3)) AS seconds FROM carts WHERE session_key = ?", [owner.sessionKey]);
      return Number(seconds);
    };
    assert.ok((await age(30)) >= 29, "a write within the minute leaves it");
    assert.ok((await age(90)) <= 5, "a write after it moves it to now");
  });

  it("a refusal the API's own rules would allow is an internal error, not a made-up user error", () => {
    const allowed = { stock: 10, active: true, lineCount: 1, inCart: 1, priceCents: 100, otherTotalCents: 0 };
    assert.match(refusalOfProcedure(allowed, 7, 1, "add").message, /refused a line the rules allow/);
    assert.equal((refusalOfProcedure(allowed, 7, 20, "set") as any).extensions?.code, "OUT_OF_STOCK");
  });
});

describe("login, logout and login again", () => {
  it("login merges the anonymous cart into the user's saved cart, adding quantities", async () => {
    const [a, b, c] = await Promise.all([createProduct(admin), createProduct(admin), createProduct(admin)]);
    const device = server.client();
    const user = await registerUser(device);
    await addToCart(device, a.id, 2);
    await addToCart(device, b.id, 1);
    await logout(device);

    const browser = server.client();
    await addToCart(browser, b.id, 3);
    await addToCart(browser, c.id, 1);
    const res = await login(browser, user.email);
    assert.equal(res.data.login.id, user.id);
    assert.deepEqual(cartLines(await readCart(browser)), [[a.id, 2], [b.id, 4], [c.id, 1]]);
    assert.deepEqual(await server.sql("SELECT id FROM carts WHERE user_id IS NULL AND id IN (SELECT cart_id FROM cart_lines WHERE product_id = ?)", [c.id]), []);
  });

  it("a login whose cart merge fails answers the error and leaves the visitor anonymous, with their cart", async () => {
    const [kept, anonymous] = await Promise.all([createProduct(admin), createProduct(admin)]);
    const device = server.client();
    const user = await registerUser(device);
    await addToCart(device, kept.id, 1);
    const browser = server.client();
    await addToCart(browser, anonymous.id, 2);
    const [{ session_key: sessionKey }] = await server.sql(
      "SELECT session_key FROM carts WHERE id IN (SELECT cart_id FROM cart_lines WHERE product_id = ?)",
      [anonymous.id],
    );
    // The merge deletes the anonymous cart last, in its transaction: make exactly that fail.
    await server.sql(
      `CREATE TRIGGER fail_merge BEFORE DELETE ON carts FOR EACH ROW
       BEGIN IF OLD.session_key = '${sessionKey}' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'merge fails in this test'; END IF; END`,
    );
    try {
      const res = await login(browser, user.email);
      assert.deepEqual(codes(res), ["INTERNAL_SERVER_ERROR"]);
    } finally {
      await server.sql("DROP TRIGGER fail_merge");
    }
    assert.deepEqual((await browser.ok(`{ me { id } }`)).me, null);
    assert.deepEqual(cartLines(await readCart(browser)), [[anonymous.id, 2]]);
    assert.deepEqual(cartLines(await readCart(device)), [[kept.id, 1]]);

    await login(browser, user.email);
    assert.deepEqual(cartLines(await readCart(browser)), [[kept.id, 1], [anonymous.id, 2]]);
  });

  it("register merges the anonymous cart too", async () => {
    const product = await createProduct(admin);
    const client = server.client();
    await addToCart(client, product.id, 3);
    await registerUser(client);
    assert.deepEqual(cartLines(await readCart(client)), [[product.id, 3]]);
  });

  it("caps merged lines by the stock and by 99, drops inactive products and never lowers a saved line", async () => {
    const [capped, scarce, gone, lowered] = await Promise.all([
      createProduct(admin, { stock: 500 }),
      createProduct(admin, { stock: 6 }),
      createProduct(admin),
      createProduct(admin, { stock: 10 }),
    ]);
    const device = server.client();
    const user = await registerUser(device);
    await addToCart(device, capped.id, 60);
    await addToCart(device, scarce.id, 4);
    await addToCart(device, lowered.id, 8);
    await logout(device);

    const browser = server.client();
    await addToCart(browser, capped.id, 60);
    await addToCart(browser, scarce.id, 5);
    await addToCart(browser, gone.id, 1);
    await addToCart(browser, lowered.id, 1);
    await updateProduct(admin, gone.id, { active: false });
    await updateProduct(admin, lowered.id, { stock: 3 });
    await login(browser, user.email);
    assert.deepEqual(cartLines(await readCart(browser)), [[capped.id, 99], [scarce.id, 6], [lowered.id, 8]]);
  });

  it("logout keeps the user's cart saved and leaves the browser an empty anonymous cart, with no session until needed", async () => {
    const [a, b] = await Promise.all([createProduct(admin), createProduct(admin)]);
    const client = server.client();
    const user = await registerUser(client);
    await addToCart(client, a.id, 2);
    assert.equal(await logout(client), true);
    assert.equal(await hasSessionCookie(client), false);
    assert.deepEqual(await readCart(client), { lines: [], itemCount: 0, totalCents: 0 });
    assert.equal(await hasSessionCookie(client), false);

    await addToCart(client, b.id, 1);
    assert.deepEqual(cartLines(await readCart(client)), [[b.id, 1]]);
    await login(client, user.email);
    assert.deepEqual(cartLines(await readCart(client)), [[a.id, 2], [b.id, 1]]);
  });

  it("a guest who logs out starts over: the cart of the session that ended is deleted with its lines", async () => {
    const [product, kept] = await Promise.all([createProduct(admin), createProduct(admin)]);
    const [guest, other] = [server.client(), server.client()];
    await addToCart(guest, product.id, 2);
    await addToCart(other, kept.id, 1);
    const [{ cart_id: cartId }] = await server.sql("SELECT cart_id FROM cart_lines WHERE product_id = ?", [product.id]);

    assert.equal(await logout(guest), true);
    assert.deepEqual(await server.sql("SELECT id FROM carts WHERE id = ?", [cartId]), []);
    assert.deepEqual(await server.sql("SELECT id FROM cart_lines WHERE cart_id = ?", [cartId]), []);
    assert.deepEqual(await readCart(guest), { lines: [], itemCount: 0, totalCents: 0 });
    // Another guest's cart is not touched.
    assert.deepEqual(cartLines(await readCart(other)), [[kept.id, 1]]);
  });

  it("the user's cart is the same on every device they are logged in on", async () => {
    const product = await createProduct(admin);
    const phone = server.client();
    const user = await registerUser(phone);
    const laptop = server.client();
    await login(laptop, user.email);
    await addToCart(phone, product.id, 2);
    await addToCart(laptop, product.id, 1);
    assert.deepEqual(cartLines(await readCart(phone)), [[product.id, 3]]);
  });

  it("an anonymous cart is not shared with another visitor", async () => {
    const product = await createProduct(admin);
    const one = server.client();
    await addToCart(one, product.id, 2);
    assert.deepEqual((await readCart(server.client())).lines, []);
  });
});

describe("abandoned anonymous carts", () => {
  it("are deleted with their lines once untouched for the session lifetime; fresh carts and users' carts stay", async () => {
    const product = await createProduct(admin);
    const [abandoned, fresh, member] = [server.client(), server.client(), server.client()];
    await registerUser(member);
    for (const client of [abandoned, fresh, member]) await addToCart(client, product.id, 1);
    const cartIds = await server.sql("SELECT cart_id FROM cart_lines WHERE product_id = ? ORDER BY id", [product.id]);
    const [abandonedId, freshId, memberId] = cartIds.map((row: any) => row.cart_id);
    const lifetimeS = guestCartMaxAgeS(server.config.session);
    assert.equal(lifetimeS, Math.min(server.config.session.idleTimeoutS, server.config.session.absoluteTimeoutS) + 120);
    await server.sql("UPDATE carts SET updated_at = UTC_TIMESTAMP(3) - INTERVAL ? SECOND WHERE id IN (?, ?)", [lifetimeS + 60, abandonedId, memberId]);

    const deleted = await sweepAbandonedCarts({ em: server.services.orm.em, services: server.services }, lifetimeS);
    assert.ok(deleted >= 1);
    const remaining = await server.sql("SELECT id FROM carts WHERE id IN (?, ?, ?) ORDER BY id", [abandonedId, freshId, memberId]);
    assert.deepEqual(remaining.map((row: any) => row.id), [freshId, memberId]);
    assert.deepEqual(await server.sql("SELECT id FROM cart_lines WHERE cart_id = ?", [abandonedId]), []);
    assert.deepEqual(cartLines(await readCart(member)), [[product.id, 1]]);
  });
});

describe("a guest cart whose session ends by idle timeout", () => {
  let idle: TestServer;
  const clock = new TestClock();
  before(async () => {
    // lastSeenAt is written every quarter of the idle timeout when that is under a minute: here every second.
    idle = await startTestServer("cart_idle", { ...RACE_ENV, SESSION_IDLE_TIMEOUT_S: "4", SESSION_ABSOLUTE_TIMEOUT_S: "60" }, { clock: clock.now });
  });
  after(() => idle?.close());

  it("is touched while its session lives, even without cart writes, and swept once untouched for the idle timeout", async () => {
    const idleAdmin = await loginAdmin(idle.client());
    const product = await createProduct(idleAdmin);
    const guest = idle.client();
    await addToCart(guest, product.id, 1);
    const [{ cart_id: cartId }] = await idle.sql("SELECT cart_id FROM cart_lines WHERE product_id = ?", [product.id]);
    const age = async () =>
      (await idle.sql("SELECT TIMESTAMPDIFF(SECOND, updated_at, UTC_TIMESTAMP(3)) AS s FROM carts WHERE id = ?", [cartId]))[0]?.s;
    const maxAgeS = guestCartMaxAgeS(idle.config.session);

    // The guest only reads from here on: their session stays alive, and so must their cart.
    await idle.sql("UPDATE carts SET updated_at = UTC_TIMESTAMP(3) - INTERVAL ? SECOND WHERE id = ?", [maxAgeS + 60, cartId]);
    clock.advance(1200); // past lastSeenAt's resolution, so the next read writes it and touches the cart
    assert.deepEqual(cartLines(await readCart(guest)), [[product.id, 1]]);
    assert.ok((await age()) < maxAgeS, "the read touched the cart with the session");
    await sweepAbandonedCarts({ em: idle.services.orm.em, services: idle.services }, maxAgeS);
    assert.deepEqual(cartLines(await readCart(guest)), [[product.id, 1]]);

    // The guest goes away: nothing touches the cart, and once it is older than the idle timeout the sweep takes it.
    await idle.sql("UPDATE carts SET updated_at = UTC_TIMESTAMP(3) - INTERVAL ? SECOND WHERE id = ?", [maxAgeS + 1, cartId]);
    assert.ok((await sweepAbandonedCarts({ em: idle.services.orm.em, services: idle.services }, maxAgeS)) >= 1);
    assert.deepEqual(await idle.sql("SELECT id FROM carts WHERE id = ?", [cartId]), []);
    assert.deepEqual(await idle.sql("SELECT id FROM cart_lines WHERE cart_id = ?", [cartId]), []);
  });
});
