import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { codes, type TestClient } from "./helpers/client";
import { registerUser } from "./helpers/factories";
import { startEmbeddedServer, type TestServer } from "./helpers/server";
import { ADD_TO_CART, ADMIN_ENV, CHECKOUT, SET_CART_QUANTITY, addToCart, cartLines, createProduct, loginAdmin, readCart } from "./helpers/shop";

// The same cart and checkout on the embedded defaults: SQLite and the in-process session store.
let server: TestServer;
let admin: TestClient;
before(async () => {
  server = await startEmbeddedServer(ADMIN_ENV);
  admin = await loginAdmin(server.client());
});
after(() => server?.close());

it("keeps a visitor's cart, loses no concurrent add, merges it on register and checks it out", async () => {
  const [mug, tea] = await Promise.all([
    createProduct(admin, { priceCents: 800, stock: 30 }),
    createProduct(admin, { priceCents: 450, stock: 5 }),
  ]);
  const client = server.client();
  await addToCart(client, tea.id, 2);
  const burst = await Promise.all(Array.from({ length: 20 }, () => client.gql(ADD_TO_CART, { productId: mug.id, quantity: 1 })));
  assert.deepEqual(burst.flatMap(codes), []);
  assert.deepEqual(cartLines(await readCart(client)), [[tea.id, 2], [mug.id, 20]]);

  await registerUser(client);
  assert.deepEqual(cartLines(await readCart(client)), [[tea.id, 2], [mug.id, 20]]);

  const order = (await client.ok(CHECKOUT)).checkout;
  assert.equal(order.totalCents, 2 * 450 + 20 * 800);
  assert.deepEqual(order.lines.map((l: any) => [l.product.id, l.quantity, l.product.stock]), [[tea.id, 2, 3], [mug.id, 20, 10]]);
  assert.deepEqual((await readCart(client)).lines, []);
});

it("checks out all or nothing, and never below zero, on SQLite too", async () => {
  const product = await createProduct(admin, { stock: 3 });
  const clients = await Promise.all([server.client(), server.client(), server.client(), server.client()]);
  for (const client of clients) {
    await registerUser(client);
    await addToCart(client, product.id, 1);
  }
  const results = await Promise.all(clients.map((client) => client.gql(CHECKOUT)));
  assert.deepEqual(results.map((res) => codes(res)[0] ?? "OK").sort(), ["OK", "OK", "OK", "OUT_OF_STOCK"]);
  const loser = results.find((res) => res.errors)!;
  assert.deepEqual([loser.errors![0].extensions!.productId, loser.errors![0].extensions!.available], [product.id, 0]);
});

it("searches products case-insensitively with % and _ taken literally, on SQLite too", async () => {
  const [percent, quoted] = await Promise.all([
    createProduct(admin, { name: "Linen 100% natural" }),
    createProduct(admin, { name: "O'Brien's snake_case mug" }),
    createProduct(admin, { name: "Linen 100 natural" }),
    createProduct(admin, { name: "snakeXcase" }),
  ]);
  const search = async (term: string) =>
    (await server.client().ok(`query($s: String) { products(search: $s) { edges { node { id } } totalCount } }`, { s: term })).products;
  assert.deepEqual((await search("LINEN 100%")).edges.map((e: any) => e.node.id), [percent.id]);
  assert.deepEqual((await search("o'brien's SNAKE_")).edges.map((e: any) => e.node.id), [quoted.id]);
  assert.equal((await search("e_c")).totalCount, 1);
});

it("refuses a line above 99, above the stock, a 51st product and an inactive one on SQLite too, changing nothing", async () => {
  const [plenty, scarce, inactive] = await Promise.all([
    createProduct(admin, { stock: 500 }),
    createProduct(admin, { stock: 3 }),
    createProduct(admin, { active: false }),
  ]);
  const client = server.client();
  await addToCart(client, plenty.id, 95);
  const refusals = [
    [await client.gql(ADD_TO_CART, { productId: plenty.id, quantity: 5 }), "BAD_USER_INPUT"],
    [await client.gql(SET_CART_QUANTITY, { productId: scarce.id, quantity: 4 }), "OUT_OF_STOCK"],
    [await client.gql(ADD_TO_CART, { productId: inactive.id, quantity: 1 }), "NOT_FOUND"],
  ] as const;
  assert.deepEqual(refusals.map(([res]) => codes(res)), refusals.map(([, code]) => [code]));
  assert.equal(refusals[1][0].errors![0].extensions!.available, 3);
  assert.deepEqual(cartLines(await readCart(client)), [[plenty.id, 95]]);

  for (let i = 0; i < 49; i++) await addToCart(client, (await createProduct(admin)).id, 1);
  const fiftyFirst = await client.gql(ADD_TO_CART, { productId: scarce.id, quantity: 1 });
  assert.deepEqual(codes(fiftyFirst), ["BAD_USER_INPUT"]);
  assert.equal(typeof fiftyFirst.errors![0].extensions!.fields.cart, "string");
  assert.equal((await readCart(client)).lines.length, 50);
});

it("keeps cart totals within 2,147,483,647 cents on SQLite too: writes refused past it, checkout refuses a raised price", async () => {
  const max = 2 ** 31 - 1;
  const [dear, cheap] = await Promise.all([createProduct(admin, { priceCents: max - 1 }), createProduct(admin, { priceCents: 1 })]);
  const client = server.client();
  await registerUser(client);
  await addToCart(client, dear.id, 1);
  const fieldsOf = (res: any) => [codes(res), Object.keys(res.errors?.[0]?.extensions?.fields ?? {})];
  assert.deepEqual(fieldsOf(await client.gql(ADD_TO_CART, { productId: dear.id, quantity: 1 })), [["BAD_USER_INPUT"], ["cart"]]);
  assert.equal((await addToCart(client, cheap.id, 1)).totalCents, max);
  assert.deepEqual(fieldsOf(await client.gql(SET_CART_QUANTITY, { productId: cheap.id, quantity: 2 })), [["BAD_USER_INPUT"], ["cart"]]);
  await admin.ok(`mutation($id: ID!) { updateProduct(id: $id, input: { priceCents: 2 }) { id } }`, { id: cheap.id });
  assert.equal((await readCart(client)).totalCents, max, "shown as the limit, not failing to serialize");
  assert.deepEqual(fieldsOf(await client.gql(CHECKOUT)), [["BAD_USER_INPUT"], ["cart"]]);
  assert.deepEqual(cartLines(await readCart(client)), [[dear.id, 1], [cheap.id, 1]]);
});
