import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes, type TestClient } from "./helpers/client";
import { registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import {
  RACE_ENV,
  CHECKOUT,
  CLEAR_CART,
  ORDER_FIELDS,
  addToCart,
  cartLines,
  createProduct,
  loginAdmin,
  readCart,
  tally,
  updateProduct,
  type TestProduct,
} from "./helpers/shop";

let server: TestServer;
let admin: TestClient;
before(async () => {
  server = await startTestServer("checkout", RACE_ENV);
  admin = await loginAdmin(server.client());
});
after(() => server?.close());

const ORDERS = `query($first: Int, $after: String) {
  orders(first: $first, after: $after) {
    edges { cursor node { ${ORDER_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount } }`;

const PRODUCT = `query($id: ID!) { product(id: $id) { stock } }`;
const stockOf = async (product: TestProduct) => (await admin.ok(PRODUCT, { id: product.id })).product.stock;

async function shopper(): Promise<TestClient> {
  const client = server.client();
  await registerUser(client);
  return client;
}

/** `count` logged-in shoppers, registered a few at a time (password hashing is bounded). */
async function shoppers(count: number): Promise<TestClient[]> {
  const clients: TestClient[] = [];
  while (clients.length < count) clients.push(...(await Promise.all(Array.from({ length: Math.min(4, count - clients.length) }, shopper))));
  return clients;
}

async function orderCount(product: TestProduct): Promise<number> {
  const [row] = await server.sql("SELECT COUNT(*) AS n FROM order_lines WHERE product_id = ?", [product.id]);
  return Number(row.n);
}

describe("checkout", () => {
  it("writes an order at the current prices, decrements the stock and empties the cart", async () => {
    const [mug, tea] = await Promise.all([
      createProduct(admin, { name: "Mug", priceCents: 800, stock: 10 }),
      createProduct(admin, { name: "Tea", priceCents: 450, stock: 5 }),
    ]);
    const client = await shopper();
    await addToCart(client, tea.id, 2);
    await addToCart(client, mug.id, 3);
    await updateProduct(admin, mug.id, { priceCents: 900 });

    const order = (await client.ok(CHECKOUT)).checkout;
    assert.match(order.id, /^\d+$/);
    assert.ok(Math.abs(Date.parse(order.createdAt) - Date.now()) < 60_000);
    assert.equal(order.totalCents, 2 * 450 + 3 * 900);
    assert.deepEqual(order.lines, [
      { product: { id: tea.id, name: "Tea", stock: 3 }, productName: "Tea", quantity: 2, unitPriceCents: 450 },
      { product: { id: mug.id, name: "Mug", stock: 7 }, productName: "Mug", quantity: 3, unitPriceCents: 900 },
    ]);
    assert.deepEqual(await readCart(client), { lines: [], itemCount: 0, totalCents: 0 });
    assert.deepEqual([await stockOf(mug), await stockOf(tea)], [7, 3]);
  });

  it("keeps what was bought when the product changes later", async () => {
    const product = await createProduct(admin, { name: "Original", priceCents: 100 });
    const client = await shopper();
    await addToCart(client, product.id, 1);
    await client.ok(CHECKOUT);
    await updateProduct(admin, product.id, { name: "Renamed", priceCents: 999 });
    const [line] = (await client.ok(ORDERS)).orders.edges[0].node.lines;
    assert.deepEqual({ ...line, product: line.product.name }, { productName: "Original", quantity: 1, unitPriceCents: 100, product: "Renamed" });
  });

  it("refuses an empty cart with BAD_USER_INPUT on fields.cart", async () => {
    const client = await shopper();
    const never = await client.gql(CHECKOUT);
    assert.deepEqual(codes(never), ["BAD_USER_INPUT"]);
    assert.equal(typeof never.errors![0].extensions!.fields.cart, "string");
    await addToCart(client, (await createProduct(admin)).id, 1);
    await client.ok(CLEAR_CART);
    assert.deepEqual(codes(await client.gql(CHECKOUT)), ["BAD_USER_INPUT"]);
  });

  it("is UNAUTHENTICATED for a visitor, whose cart stays as it is", async () => {
    const product = await createProduct(admin);
    const client = server.client();
    await addToCart(client, product.id, 1);
    assert.deepEqual(codes(await client.gql(CHECKOUT)), ["UNAUTHENTICATED"]);
    assert.deepEqual(cartLines(await readCart(client)), [[product.id, 1]]);
  });

  it("is all or nothing: one line short of stock changes no stock, no cart and no order", async () => {
    const [plenty, short, more] = await Promise.all([
      createProduct(admin, { stock: 50 }),
      createProduct(admin, { stock: 5 }),
      createProduct(admin, { stock: 50 }),
    ]);
    const client = await shopper();
    await addToCart(client, plenty.id, 2);
    await addToCart(client, short.id, 4);
    await addToCart(client, more.id, 3);
    await updateProduct(admin, short.id, { stock: 3 });

    const res = await client.gql(CHECKOUT);
    assert.deepEqual(codes(res), ["OUT_OF_STOCK"]);
    assert.equal(res.errors![0].extensions!.productId, short.id);
    assert.equal(res.errors![0].extensions!.available, 3);
    assert.deepEqual([await stockOf(plenty), await stockOf(short), await stockOf(more)], [50, 3, 50]);
    assert.deepEqual(cartLines(await readCart(client)), [[plenty.id, 2], [short.id, 4], [more.id, 3]]);
    assert.equal((await client.ok(ORDERS)).orders.totalCount, 0);
  });

  it("answers OUT_OF_STOCK with available 0 for a product that became inactive", async () => {
    const product = await createProduct(admin, { stock: 9 });
    const client = await shopper();
    await addToCart(client, product.id, 1);
    await updateProduct(admin, product.id, { active: false });
    const res = await client.gql(CHECKOUT);
    assert.deepEqual(codes(res), ["OUT_OF_STOCK"]);
    assert.deepEqual([res.errors![0].extensions!.productId, res.errors![0].extensions!.available], [product.id, 0]);
    assert.equal(await stockOf(product), 9);
  });

  it("40 shoppers checking out the last 10 units make exactly 10 orders and leave stock 0", async () => {
    const product = await createProduct(admin, { stock: 10 });
    const clients = await shoppers(40);
    for (const client of clients) await addToCart(client, product.id, 1);
    const results = await Promise.all(clients.map((client) => client.gql(CHECKOUT)));
    assert.deepEqual(tally(results), { OK: 10, OUT_OF_STOCK: 30 });
    assert.ok(results.filter((res) => res.errors).every((res) => res.errors![0].extensions!.available === 0));
    assert.equal(await stockOf(product), 0);
    assert.equal(await orderCount(product), 10);
  });

  it("carts holding the same products in opposite orders all check out", async () => {
    const products = await Promise.all([1, 2, 3].map(() => createProduct(admin, { stock: 100 })));
    const clients = await shoppers(16);
    for (const [i, client] of clients.entries()) {
      for (const product of i % 2 ? [...products].reverse() : products) await addToCart(client, product.id, 2);
    }
    const results = await Promise.all(clients.map((client) => client.gql(CHECKOUT)));
    assert.deepEqual(results.flatMap(codes), []);
    for (const product of products) assert.equal(await stockOf(product), 100 - 16 * 2);
  });
});

describe("orders", () => {
  it("lists the caller's own orders, newest first, over several pages", async () => {
    const product = await createProduct(admin, { stock: 100 });
    const client = await shopper();
    const other = await shopper();
    await addToCart(other, product.id, 1);
    await other.ok(CHECKOUT);
    const placed: string[] = [];
    for (let i = 1; i <= 5; i++) {
      await addToCart(client, product.id, i);
      placed.push((await client.ok(CHECKOUT)).checkout.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const { orders }: any = await client.ok(ORDERS, { first: 2, after });
      assert.equal(orders.totalCount, 5);
      seen.push(...orders.edges.map((e: any) => e.node.id));
      after = orders.pageInfo.hasNextPage ? orders.pageInfo.endCursor : null;
      pages++;
    } while (after);
    assert.deepEqual(seen, [...placed].reverse());
    assert.equal(pages, 3);
  });

  it("answers first: 0 with no edges and the total count", async () => {
    const client = await shopper();
    await addToCart(client, (await createProduct(admin)).id, 1);
    await client.ok(CHECKOUT);
    const { orders } = await client.ok(ORDERS, { first: 0 });
    assert.deepEqual([orders.edges, orders.totalCount, orders.pageInfo.hasNextPage], [[], 1, true]);
  });

  it("is UNAUTHENTICATED for a visitor", async () => {
    assert.deepEqual(codes(await server.client().gql(ORDERS)), ["UNAUTHENTICATED"]);
  });

  it("refuses an invalid cursor and first above 100 with BAD_USER_INPUT", async () => {
    const client = await shopper();
    const badCursor = await client.gql(ORDERS, { after: "not-a-cursor" });
    assert.deepEqual(codes(badCursor), ["BAD_USER_INPUT"]);
    assert.equal(typeof badCursor.errors![0].extensions!.fields.after, "string");
    const tooMany = await client.gql(ORDERS, { first: 101 });
    assert.deepEqual(codes(tooMany), ["BAD_USER_INPUT"]);
    assert.equal(typeof tooMany.errors![0].extensions!.fields.first, "string");
  });
});

describe("deleting rows", () => {
  it("deleting a user deletes their cart and keeps their orders, detached", async () => {
    const [bought, kept] = await Promise.all([createProduct(admin), createProduct(admin)]);
    const client = server.client();
    const user = await registerUser(client);
    await addToCart(client, bought.id, 1);
    const order = (await client.ok(CHECKOUT)).checkout;
    await addToCart(client, kept.id, 2);
    const [cart] = await server.sql("SELECT id FROM carts WHERE user_id = ?", [user.id]);

    await server.sql("DELETE FROM users WHERE id = ?", [user.id]);
    assert.deepEqual(await server.sql("SELECT id FROM carts WHERE id = ?", [cart.id]), []);
    assert.deepEqual(await server.sql("SELECT id FROM cart_lines WHERE cart_id = ?", [cart.id]), []);
    const [row] = await server.sql("SELECT user_id, total_cents FROM orders WHERE id = ?", [order.id]);
    assert.deepEqual({ ...row }, { user_id: null, total_cents: order.totalCents });
    assert.equal((await server.sql("SELECT id FROM order_lines WHERE order_id = ?", [order.id])).length, 1);
  });

  it("deleting a product keeps the order lines that name it, with product null", async () => {
    const product = await createProduct(admin, { name: "Discontinued" });
    const client = await shopper();
    await addToCart(client, product.id, 1);
    await client.ok(CHECKOUT);
    await server.sql("DELETE FROM products WHERE id = ?", [product.id]);
    const [line] = (await client.ok(ORDERS)).orders.edges[0].node.lines;
    assert.deepEqual(line, { product: null, productName: "Discontinued", quantity: 1, unitPriceCents: 1000 });
  });
});
