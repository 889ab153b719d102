import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";
import fetchCookie from "fetch-cookie";
import { CookieJar } from "tough-cookie";
// The example app's own client set-up, typed documents and error messages, driven from Node.
import { createApolloClient } from "../examples/web/src/apollo";
import { LoginMutation, LogoutMutation, MeQuery, RegisterMutation } from "../examples/web/src/auth/operations";
import { errorCode, shopperMessage } from "../examples/web/src/errors";
import { STRONG_PASSWORD, uniqueEmail } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

let server: TestServer;
before(async () => {
  server = await startTestServer("apollo_client");
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
