import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import fetchCookie from "fetch-cookie";
import { CookieJar } from "tough-cookie";
// The example app's own client set-up, typed documents and error messages, driven from Node.
import { createApolloClient } from "../examples/web/src/apollo";
import { LoginMutation, LogoutMutation, MeQuery, RegisterMutation } from "../examples/web/src/auth/operations";
import {
  AddToCartMutation,
  CartQuery,
  CheckoutMutation,
  RemoveFromCartMutation,
  SetCartQuantityMutation,
} from "../examples/web/src/cart/operations";
import { ProductsQuery } from "../examples/web/src/catalog/operations";
import { errorCode, shopperMessage } from "../examples/web/src/errors";
import { OrdersQuery } from "../examples/web/src/orders/operations";
import { STRONG_PASSWORD, login, uniqueEmail } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

const ADMIN = { email: "catalog-admin@example.test", password: "a quiet stockroom at dawn" };
let server: TestServer;
before(async () => {
  server = await startTestServer("apollo_client", {
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_MAX_FAILURES_PER_ACCOUNT: "3",
  });
});
after(() => server?.close());

/** A visitor: the app's Apollo Client with a cookie jar standing in for the browser's. */
function visitor() {
  const jar = new CookieJar();
  const client = createApolloClient(server.url, fetchCookie(fetch, jar) as unknown as typeof fetch);
  return { client, jar };
}

/** The error an operation rejects with (Apollo Client's default errorPolicy, as the app uses). */
async function rejection(operation: Promise<unknown>): Promise<unknown> {
  try {
    await operation;
  } catch (err) {
    return err;
  }
  assert.fail("expected the operation to fail");
}

async function register(client: ReturnType<typeof visitor>["client"], name = "Apollo Shopper") {
  const input = { email: uniqueEmail("apollo"), name, password: STRONG_PASSWORD };
  const { data } = await client.mutate({ mutation: RegisterMutation, variables: { input } });
  return { ...data!.register, password: input.password };
}

describe("the example app's Apollo Client against the API", () => {
  it("registers, and me then answers from the session cookie in the jar", async () => {
    const { client, jar } = visitor();
    const user = await register(client, "Ada Apollo");
    assert.equal(user.role, "USER");
    const { data } = await client.query({ query: MeQuery, fetchPolicy: "network-only" });
    assert.deepEqual(data?.me, { __typename: "User", id: user.id, email: user.email, name: "Ada Apollo", role: "USER" });
    const cookie = (await jar.getCookies(server.url)).find((c) => c.key === server.config.session.cookieName);
    assert.equal(cookie?.httpOnly, true);
  });

  it("logs in with the typed mutation in another jar, normalising the user by id", async () => {
    const user = await register(visitor().client);
    const { client } = visitor();
    const { data } = await client.mutate({ mutation: LoginMutation, variables: { email: user.email, password: user.password } });
    assert.equal(data?.login.id, user.id);
    assert.equal(client.cache.identify({ __typename: "User", id: user.id }), `User:${user.id}`);
    assert.equal((client.cache.extract() as Record<string, any>)[`User:${user.id}`]?.email, user.email);
    const me = await client.query({ query: MeQuery, fetchPolicy: "network-only" });
    assert.equal(me.data?.me?.id, user.id);
  });

  it("logs out: the server forgets the session, and after resetStore me is null", async () => {
    const { client } = visitor();
    await register(client);
    const { data } = await client.mutate({ mutation: LogoutMutation });
    assert.equal(data?.logout, true);
    await client.resetStore();
    const me = await client.query({ query: MeQuery, fetchPolicy: "network-only" });
    assert.equal(me.data?.me, null);
  });

  it("a wrong password is BAD_USER_INPUT, shown as one message for email and password", async () => {
    const user = await register(visitor().client);
    const err = await rejection(
      visitor().client.mutate({ mutation: LoginMutation, variables: { email: user.email, password: "not the password" } }),
    );
    assert.ok(CombinedGraphQLErrors.is(err));
    assert.equal(errorCode(err), "BAD_USER_INPUT");
    assert.equal(shopperMessage(err), "Invalid email or password.");
  });

  it("a weak password is BAD_USER_INPUT, shown with the field's name", async () => {
    const input = { email: uniqueEmail("weak"), name: "Weak", password: "short" };
    const err = await rejection(visitor().client.mutate({ mutation: RegisterMutation, variables: { input } }));
    assert.equal(errorCode(err), "BAD_USER_INPUT");
    assert.equal(shopperMessage(err), "Password must be at least 8 characters.");
  });

  it("an email registered twice is CONFLICT, shown as a suggestion to log in", async () => {
    const user = await register(visitor().client);
    const input = { email: user.email, name: "Twin", password: STRONG_PASSWORD };
    const err = await rejection(visitor().client.mutate({ mutation: RegisterMutation, variables: { input } }));
    assert.equal(errorCode(err), "CONFLICT");
    assert.equal(shopperMessage(err), "An account with this email already exists. Log in instead.");
  });
});

let skuCounter = 0;
/** A product made by the admin through the API; each test makes its own. */
async function product(overrides: Partial<{ name: string; priceCents: number; stock: number }> = {}) {
  const admin = server.client();
  await login(admin, ADMIN.email, ADMIN.password);
  const input = { sku: `AC-${process.pid}-${++skuCounter}`, name: `Thing ${skuCounter}`, priceCents: 1000, stock: 10, ...overrides };
  const data = await admin.ok(`mutation($input: ProductInput!) { createProduct(input: $input) { id name } }`, { input });
  return data.createProduct as { id: string; name: string };
}

const cachedProduct = (client: ReturnType<typeof visitor>["client"], id: string) =>
  (client.cache.extract() as Record<string, any>)[`Product:${id}`];

describe("the cart and checkout through Apollo Client", () => {
  it("keeps one Cart in the cache, so every cart mutation's answer is what the cart query reads", async () => {
    const { client } = visitor();
    const mug = await product({ name: "Mug", priceCents: 1250 });
    const lamp = await product({ name: "Lamp", priceCents: 4999 });
    assert.deepEqual((await client.query({ query: CartQuery })).data?.cart.lines, []);

    await client.mutate({ mutation: AddToCartMutation, variables: { productId: mug.id, quantity: 2 } });
    await client.mutate({ mutation: AddToCartMutation, variables: { productId: lamp.id } });
    let cached = client.readQuery({ query: CartQuery })!.cart;
    assert.equal(cached.itemCount, 3);
    assert.equal(cached.totalCents, 2 * 1250 + 4999);

    await client.mutate({ mutation: SetCartQuantityMutation, variables: { productId: mug.id, quantity: 5 } });
    await client.mutate({ mutation: RemoveFromCartMutation, variables: { productId: lamp.id } });
    cached = client.readQuery({ query: CartQuery })!.cart;
    assert.deepEqual(
      cached.lines.map((l) => [l.product.name, l.quantity, l.lineTotalCents]),
      [["Mug", 5, 6250]],
    );
    assert.deepEqual(Object.keys(client.cache.extract() as object).filter((k) => k.startsWith("Cart")), ["Cart:{}"]);
  });

  it("a guest's cart is the member's after login", async () => {
    const member = await register(visitor().client);
    const pen = await product({ name: "Pen" });
    const { client } = visitor();
    await client.mutate({ mutation: AddToCartMutation, variables: { productId: pen.id, quantity: 3 } });
    await client.mutate({ mutation: LoginMutation, variables: { email: member.email, password: member.password } });
    await client.resetStore(); // what the app does when the session changes
    const { data } = await client.query({ query: CartQuery });
    assert.deepEqual(data?.cart.lines.map((l) => [l.product.id, l.quantity]), [[pen.id, 3]]);
  });

  it("checks out: an order at current prices, an empty cart, the product's stock lowered in the cache by id", async () => {
    const { client } = visitor();
    await register(client);
    const kettle = await product({ name: "Kettle", priceCents: 3500, stock: 5 });
    await client.query({ query: ProductsQuery, variables: { first: 100 } });
    await client.query({ query: CartQuery });
    assert.equal(cachedProduct(client, kettle.id).stock, 5);
    await client.mutate({ mutation: AddToCartMutation, variables: { productId: kettle.id, quantity: 2 } });

    const { data } = await client.mutate({ mutation: CheckoutMutation });
    const order = data!.checkout;
    assert.equal(order.totalCents, 7000);
    assert.deepEqual(order.lines.map((l) => [l.productName, l.quantity, l.unitPriceCents]), [["Kettle", 2, 3500]]);
    assert.equal(cachedProduct(client, kettle.id).stock, 3, "the catalog's Product was updated by the order's answer");
    const cart = await client.query({ query: CartQuery, fetchPolicy: "network-only" });
    assert.equal(cart.data?.cart.itemCount, 0);

    const orders = await client.query({ query: OrdersQuery, variables: { first: 10 }, fetchPolicy: "network-only" });
    assert.deepEqual(orders.data?.orders.edges.map((e) => e.node.id), [order.id]);
  });

  it("after logout the browser has an empty cart; the member's cart waits for the next login", async () => {
    const { client } = visitor();
    const member = await register(client);
    const cup = await product({ name: "Cup" });
    await client.mutate({ mutation: AddToCartMutation, variables: { productId: cup.id } });
    await client.mutate({ mutation: LogoutMutation });
    await client.resetStore();
    assert.equal((await client.query({ query: CartQuery })).data?.cart.itemCount, 0);
    await client.mutate({ mutation: LoginMutation, variables: { email: member.email, password: member.password } });
    await client.resetStore();
    assert.equal((await client.query({ query: CartQuery })).data?.cart.itemCount, 1);
  });

  it("merges pages of products into one list (relayStylePagination), per search", async () => {
    const tag = `Page${process.pid}x`;
    for (let i = 0; i < 5; i++) await product({ name: `${tag} ${i}` });
    const { client } = visitor();
    const first = await client.query({ query: ProductsQuery, variables: { first: 2, search: tag } });
    assert.equal(first.data?.products.totalCount, 5);
    // What fetchMore does: ask the network for the page after the cursor; the field policy merges it.
    let after = first.data!.products.pageInfo.endCursor;
    for (let pages = 1; after && pages < 10; pages++) {
      const next = await client.query({ query: ProductsQuery, variables: { first: 2, after, search: tag }, fetchPolicy: "network-only" });
      after = next.data!.products.pageInfo.hasNextPage ? next.data!.products.pageInfo.endCursor : null;
    }
    const merged = client.readQuery({ query: ProductsQuery, variables: { first: 2, search: tag } })!.products;
    assert.deepEqual(
      merged.edges.map((e) => e.node.name),
      [0, 1, 2, 3, 4].map((i) => `${tag} ${i}`),
    );
    assert.equal(merged.pageInfo.hasNextPage, false);
    const other = await client.query({ query: ProductsQuery, variables: { first: 2, search: `${tag} 3` } });
    assert.equal(other.data?.products.edges.length, 1, "another search is another list");
  });
});

describe("the cart's errors through Apollo Client, as the shopper reads them", () => {
  it("OUT_OF_STOCK carries productId and available, and names the product", async () => {
    const vase = await product({ name: "Vase", stock: 2 });
    const { client } = visitor();
    const err = await rejection(client.mutate({ mutation: AddToCartMutation, variables: { productId: vase.id, quantity: 3 } }));
    assert.ok(CombinedGraphQLErrors.is(err));
    assert.deepEqual(
      { code: err.errors[0].extensions?.code, productId: err.errors[0].extensions?.productId, available: err.errors[0].extensions?.available },
      { code: "OUT_OF_STOCK", productId: vase.id, available: 2 },
    );
    assert.equal(shopperMessage(err, { productName: () => "Vase" }), "Sorry, only 2 of Vase left in stock. Lower the quantity and try again.");
  });

  it("checkout as a guest is UNAUTHENTICATED", async () => {
    const { client } = visitor();
    await client.mutate({ mutation: AddToCartMutation, variables: { productId: (await product()).id } });
    const err = await rejection(client.mutate({ mutation: CheckoutMutation }));
    assert.equal(errorCode(err), "UNAUTHENTICATED");
    assert.equal(shopperMessage(err), "Please log in or create an account first.");
  });

  it("checkout of an empty cart is BAD_USER_INPUT on the cart", async () => {
    const { client } = visitor();
    await register(client);
    const err = await rejection(client.mutate({ mutation: CheckoutMutation }));
    assert.equal(errorCode(err), "BAD_USER_INPUT");
    assert.equal(shopperMessage(err), "Your cart is empty.");
  });

  it("a product that does not exist is NOT_FOUND", async () => {
    const err = await rejection(visitor().client.mutate({ mutation: AddToCartMutation, variables: { productId: "987654321" } }));
    assert.equal(errorCode(err), "NOT_FOUND");
    assert.equal(shopperMessage(err), "That item is no longer available.");
  });
});

describe("rate limits through Apollo Client", () => {
  it("a fourth failed login to one account is TOO_MANY_REQUESTS with retryAfterSeconds, told as a wait", async () => {
    const email = uniqueEmail("locked");
    const attempt = () =>
      rejection(visitor().client.mutate({ mutation: LoginMutation, variables: { email, password: "wrong guess 1234" } }));
    for (let i = 0; i < 3; i++) assert.equal(errorCode(await attempt()), "BAD_USER_INPUT");
    const err = await attempt();
    assert.ok(CombinedGraphQLErrors.is(err));
    assert.equal(err.errors[0].extensions?.code, "TOO_MANY_REQUESTS");
    const retryAfterSeconds = err.errors[0].extensions?.retryAfterSeconds as number;
    assert.ok(retryAfterSeconds > 840 && retryAfterSeconds <= 900, `retry after ${retryAfterSeconds} s (window 900 s)`);
    assert.equal(shopperMessage(err), "Too many attempts. Please wait 15 minutes and try again.");
  });
});

describe("shopper messages for every error code", () => {
  const graphqlError = (code: string, extensions: Record<string, unknown> = {}) =>
    new CombinedGraphQLErrors({ data: null, errors: [{ message: "internal wording", extensions: { code, ...extensions } }] });

  const cases: Array<[string, unknown, string]> = [
    ["OUT_OF_STOCK with some left", graphqlError("OUT_OF_STOCK", { productId: "7", available: 2 }), "Sorry, only 2 of this item left in stock. Lower the quantity and try again."],
    ["OUT_OF_STOCK with none left", graphqlError("OUT_OF_STOCK", { productId: "7", available: 0 }), "Sorry, this item is sold out."],
    ["TOO_MANY_REQUESTS in seconds", graphqlError("TOO_MANY_REQUESTS", { retryAfterSeconds: 45 }), "Too many attempts. Please wait 45 seconds and try again."],
    ["TOO_MANY_REQUESTS in minutes", graphqlError("TOO_MANY_REQUESTS", { retryAfterSeconds: 890 }), "Too many attempts. Please wait 15 minutes and try again."],
    ["UNAUTHENTICATED", graphqlError("UNAUTHENTICATED"), "Please log in or create an account first."],
    ["FORBIDDEN", graphqlError("FORBIDDEN"), "Your account is not allowed to do that."],
    ["NOT_FOUND", graphqlError("NOT_FOUND"), "That item is no longer available."],
    ["BAD_USER_INPUT on the cart", graphqlError("BAD_USER_INPUT", { fields: { cart: "is empty" } }), "Your cart is empty."],
    ["SERVICE_UNAVAILABLE", graphqlError("SERVICE_UNAVAILABLE"), "The shop is briefly unavailable. Please try again in a moment."],
    ["INTERNAL_SERVER_ERROR", graphqlError("INTERNAL_SERVER_ERROR"), "Something went wrong on our side. Please try again."],
    ["a network failure", new TypeError("fetch failed"), "We can't reach the shop right now. Check your connection and try again."],
  ];
  for (const [what, error, expected] of cases) {
    it(`${what}: "${expected}"`, () => {
      assert.equal(shopperMessage(error), expected);
    });
  }

  it("names the product of an OUT_OF_STOCK when the page knows it", () => {
    const err = graphqlError("OUT_OF_STOCK", { productId: "7", available: 1 });
    const message = shopperMessage(err, { productName: (id) => (id === "7" ? "Blue Mug" : undefined) });
    assert.equal(message, "Sorry, only 1 of Blue Mug left in stock. Lower the quantity and try again.");
  });

  it("reads the code from an HTTP error's JSON body (a 503 before GraphQL ran)", () => {
    const bodyText = JSON.stringify({ errors: [{ message: "down", extensions: { code: "SERVICE_UNAVAILABLE" } }] });
    const err = new ServerError("Response not successful: Received status code 503", {
      response: new Response(bodyText, { status: 503 }),
      bodyText,
    });
    assert.equal(errorCode(err), "SERVICE_UNAVAILABLE");
    assert.equal(shopperMessage(err), "The shop is briefly unavailable. Please try again in a moment.");
  });
});
