import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { TestClient } from "./helpers/client";
import { registerUser } from "./helpers/factories";
import { QUIET_MAIL_SENDER, startTestServer, type TestServer } from "./helpers/server";
import { countSql } from "./helpers/sql-counter";
import { ADMIN_ENV, CART, CHECKOUT, ORDER_FIELDS, addToCart, createProduct, loginAdmin } from "./helpers/shop";

let server: TestServer;
let admin: TestClient;
before(async () => {
  server = await startTestServer("sql_count", { ...ADMIN_ENV, ...QUIET_MAIL_SENDER });
  admin = await loginAdmin(server.client());
});
after(() => server?.close());

const ORDERS = `query($first: Int) { orders(first: $first) { edges { node { ${ORDER_FIELDS} } } totalCount } }`;

/** The statements one GraphQL request sends, and its data. */
async function measure(client: TestClient, query: string, variables?: Record<string, unknown>) {
  const { result, statements } = await countSql(server.services.orm, () => client.ok(query, variables));
  return { data: result, statements };
}

async function shopperWithCart(lines: number): Promise<TestClient> {
  const client = server.client();
  await registerUser(client);
  const products = await Promise.all(Array.from({ length: lines }, () => createProduct(admin, { stock: 1000 })));
  for (const product of products) await addToCart(client, product.id, 1);
  return client;
}

describe("statements per request do not grow with the number of rows", () => {
  it("a 20-line cart reads with as many statements as a 1-line cart", async () => {
    const small = await measure(await shopperWithCart(1), CART);
    const large = await measure(await shopperWithCart(20), CART);
    assert.equal(large.data.cart.lines.length, 20);
    assert.ok(large.data.cart.lines.every((line: any) => line.product.name === "Test product"));
    assert.equal(large.statements.length, small.statements.length, large.statements.join("\n"));
    // The user of the session, then the cart lines joined to their products.
    assert.ok(large.statements.length <= 2, large.statements.join("\n"));
  });

  it("20 orders of 5 lines read with as many statements as 1 order of 1 line", async () => {
    const one = await shopperWithCart(1);
    await one.ok(CHECKOUT);
    const many = server.client();
    await registerUser(many);
    const products = await Promise.all(Array.from({ length: 5 }, () => createProduct(admin, { stock: 1000 })));
    for (let order = 0; order < 20; order++) {
      for (const product of products) await addToCart(many, product.id, 1);
      await many.ok(CHECKOUT);
    }
    const small = await measure(one, ORDERS, { first: 20 });
    const large = await measure(many, ORDERS, { first: 20 });
    assert.equal(large.data.orders.edges.length, 20);
    assert.ok(large.data.orders.edges.every((e: any) => e.node.lines.length === 5 && e.node.lines[0].product.name));
    assert.equal(large.statements.length, small.statements.length, large.statements.join("\n"));
    // The user, the page of orders, their count, and the lines of the page joined to their products.
    assert.ok(large.statements.length <= 4, large.statements.join("\n"));
  });

  it("a page of products and its total are one statement, whatever the page size", async () => {
    for (let i = 0; i < 3; i++) await createProduct(admin, { stock: 10 });
    const PRODUCTS = `query($first: Int) { products(first: $first) { edges { node { id name } } totalCount } }`;
    const one = await measure(server.client(), PRODUCTS, { first: 1 });
    const three = await measure(server.client(), PRODUCTS, { first: 3 });
    assert.equal(three.data.products.edges.length, 3);
    assert.deepEqual([one.statements.length, three.statements.length], [1, 1], three.statements.join("\n"));
  });

  it("adding to a shopper's cart is one call of cart_put_line, which answers the cart too, with no product read before", async () => {
    const client = await shopperWithCart(1);
    const product = await createProduct(admin, { stock: 10 });
    const ADD = `mutation($id: ID!) { addToCart(productId: $id, quantity: 2) { itemCount } }`;
    const { data, statements } = await measure(client, ADD, { id: product.id });
    assert.equal(data.addToCart.itemCount, 3);
    assert.equal(statements.length, 1, statements.join("\n"));
    assert.match(statements[0], /^call cart_put_line\(/i);
  });
});
