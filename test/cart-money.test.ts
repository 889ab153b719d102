import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { MAX_TOTAL_CENTS } from "../src/cart/cart-limits";
import { TestClient, codes } from "./helpers/client";
import { login, registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import { ADD_TO_CART, CHECKOUT, RACE_ENV, SET_CART_QUANTITY, addToCart, cartLines, createProduct, loginAdmin, readCart, updateProduct } from "./helpers/shop";

let server: TestServer;
let admin: TestClient;
before(async () => {
  server = await startTestServer("cart-money", RACE_ENV);
  admin = await loginAdmin(server.client());
});
after(() => server?.close());

const fieldsOf = (res: any) => Object.keys(res.errors?.[0]?.extensions?.fields ?? {});

describe("totals of a cart stay a GraphQL Int", () => {
  it("a write that would take the total past 2,147,483,647 is BAD_USER_INPUT on fields.cart; up to it is fine", async () => {
    const [dear, cheap] = await Promise.all([createProduct(admin, { priceCents: MAX_TOTAL_CENTS - 1 }), createProduct(admin, { priceCents: 1 })]);
    const client = server.client();
    await addToCart(client, dear.id, 1);
    const again = await client.gql(ADD_TO_CART, { productId: dear.id, quantity: 1 });
    assert.deepEqual([codes(again), fieldsOf(again)], [["BAD_USER_INPUT"], ["cart"]]);
    assert.equal((await addToCart(client, cheap.id, 1)).totalCents, MAX_TOTAL_CENTS);
    const over = await client.gql(SET_CART_QUANTITY, { productId: cheap.id, quantity: 2 });
    assert.deepEqual([codes(over), fieldsOf(over)], [["BAD_USER_INPUT"], ["cart"]]);
    assert.deepEqual(cartLines(await readCart(client)), [[dear.id, 1], [cheap.id, 1]]);
  });

  it("a price raised after the add: the cart still reads (totals shown as 2,147,483,647), checkout refuses, lowering works", async () => {
    const product = await createProduct(admin, { priceCents: 1000, stock: 10 });
    const client = server.client();
    await registerUser(client);
    await addToCart(client, product.id, 3);
    await updateProduct(admin, product.id, { priceCents: MAX_TOTAL_CENTS });
    const cart = await readCart(client);
    assert.deepEqual([cart.totalCents, cart.lines[0].lineTotalCents, cart.itemCount], [MAX_TOTAL_CENTS, MAX_TOTAL_CENTS, 3]);
    const refused = await client.gql(CHECKOUT);
    assert.deepEqual([codes(refused), fieldsOf(refused)], [["BAD_USER_INPUT"], ["cart"]]);
    const [{ stock }] = await server.sql("SELECT stock FROM products WHERE id = ?", [product.id]);
    assert.equal(stock, 10, "nothing changed");
    assert.equal((await client.ok(SET_CART_QUANTITY, { productId: product.id, quantity: 2 })).setCartQuantity.totalCents, MAX_TOTAL_CENTS);
    await client.ok(SET_CART_QUANTITY, { productId: product.id, quantity: 1 });
    const order = (await client.ok(CHECKOUT)).checkout;
    assert.equal(order.totalCents, MAX_TOTAL_CENTS);
  });

  it("a login merge caps or drops incoming lines so the total stays within 2,147,483,647", async () => {
    const [dear, sixty, fifty] = await Promise.all([
      createProduct(admin, { priceCents: MAX_TOTAL_CENTS - 100 }),
      createProduct(admin, { priceCents: 60 }),
      createProduct(admin, { priceCents: 50 }),
    ]);
    const device = server.client();
    const user = await registerUser(device);
    await addToCart(device, dear.id, 1);
    const browser = server.client();
    await addToCart(browser, sixty.id, 3);
    await addToCart(browser, fifty.id, 1);
    await login(browser, user.email);
    const cart = await readCart(browser);
    assert.deepEqual(cartLines(cart), [[dear.id, 1], [sixty.id, 1]]);
    assert.equal(cart.totalCents, MAX_TOTAL_CENTS - 40);
  });
});
