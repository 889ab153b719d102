import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import mysql from "mysql2/promise";
import type { TestClient } from "./helpers/client";
import { STRONG_PASSWORD, login, registerUser } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import { processEnv } from "./helpers/server";
import { ADMIN_ENV, createProduct, loginAdmin } from "./helpers/shop";

interface Sent {
  status: number;
  body: unknown;
  /** The cookies the answer set, by name, without their values and dates. */
  setCookies: string[];
  prepared: boolean;
}

/**
 * A document of several root mutation fields with side effects, sent twice to one instance: the first time
 * Apollo runs it (graphql-js), the second time the prepared fast path does (graphql-jit). Each time on a fresh
 * account made ready the same way; the answers, the cookies they set and what they left in the database and
 * in the limits must be the same.
 */
describe("prepared operations: a mutation of several root fields runs them one after another and stops as graphql-js does", () => {
  let instance: Instance;
  let pool: mysql.Pool;
  let productId: string;

  before(async () => {
    const env = await processEnv("prepared_mutations", { ...ADMIN_ENV, LOGIN_MAX_FAILURES_PER_ACCOUNT: "5" });
    instance = await startInstance(env);
    pool = mysql.createPool({ uri: env.DATABASE_URL, connectionLimit: 2 });
    const admin = await loginAdmin(instance.client());
    productId = (await createProduct(admin, { stock: 1000 })).id;
  });
  after(async () => {
    await instance?.stop();
    await pool?.end();
  });

  async function send(client: TestClient, query: string, variables: Record<string, unknown> = {}): Promise<Sent> {
    const id = randomUUID();
    const res = await fetch(instance.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": id, cookie: await client.cookieHeader() },
      body: JSON.stringify({ query, variables }),
    });
    const setCookie = res.headers.getSetCookie();
    for (const c of setCookie) await client.jar.setCookie(c, client.url);
    const body = await res.json();
    let line: Record<string, any> | undefined;
    for (let i = 0; i < 100 && !line; i++) {
      line = instance.logLines().find((l) => l.req?.id === id && l.res);
      if (!line) await new Promise((r) => setTimeout(r, 10));
    }
    assert.ok(line, `no log line for request ${id}`);
    const setCookies = setCookie.map((c) => c.replace(/=[^;]*/, "=…").replace(/; Expires=[^;]*/i, "")).sort();
    return { status: res.status, body, setCookies, prepared: line.graphql?.prepared === true };
  }

  async function rows(userId: string) {
    const [[orders]] = (await pool.query("SELECT COUNT(*) AS n FROM orders WHERE user_id = ?", [userId])) as any;
    const [lines] = (await pool.query(
      "SELECT l.product_id, l.quantity FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.user_id = ? ORDER BY l.product_id",
      [userId],
    )) as any;
    return { orders: Number(orders.n), lines: lines.map((l: any) => [String(l.product_id), l.quantity]) };
  }

  /** Wrong passwords this account still accepts before TOO_MANY_REQUESTS (a fresh client, so a stranger's count). */
  async function guessesLeft(email: string): Promise<number> {
    for (let left = 0; left < 10; left++) {
      const res = await login(instance.client(), email, "not the password at all");
      if (res.errors?.[0]?.extensions?.code === "TOO_MANY_REQUESTS") return left;
    }
    return Infinity;
  }

  /** Sends the document through Apollo then through the fast path, each on its own account prepared by `ready`. */
  async function twice(
    query: string,
    ready: (client: TestClient) => Promise<{ variables?: Record<string, unknown>; state: () => Promise<unknown> }>,
  ): Promise<Omit<Sent, "prepared">> {
    const outcomes = [];
    for (const expectPrepared of [false, true]) {
      const client = instance.client();
      const { variables, state } = await ready(client);
      const sent = await send(client, query, variables);
      assert.equal(sent.prepared, expectPrepared, expectPrepared ? "the second time is served prepared" : "the first time goes through Apollo");
      const { prepared: _, ...answer } = sent;
      outcomes.push({ sent: answer, state: await state() });
    }
    assert.deepEqual(outcomes[1], outcomes[0]);
    return outcomes[1].sent;
  }

  it("addToCart of a missing product then checkout: NOT_FOUND, no order, the cart as it was", async () => {
    const sent = await twice(`mutation Buy { a: addToCart(productId: "999999") { itemCount } b: checkout { id } }`, async (client) => {
      const user = await registerUser(client);
      await client.ok("mutation($id: ID!) { addToCart(productId: $id, quantity: 2) { itemCount } }", { id: productId });
      return { state: () => rows(user.id) };
    });
    assert.deepEqual(sent.body, { data: null, errors: [(sent.body as any).errors[0]] });
    assert.equal((sent.body as any).errors[0].extensions.code, "NOT_FOUND");
  });

  it("a wrong then a right password in one document: the error, no session cookie, still anonymous", async () => {
    const sent = await twice(
      `mutation Guess($email: String!, $right: String!) { a: login(email: $email, password: "wrong password here") { id } b: login(email: $email, password: $right) { id } }`,
      async (client) => {
        const user = await registerUser(instance.client());
        return {
          variables: { email: user.email, right: STRONG_PASSWORD },
          state: async () => ({ me: (await client.ok("{ me { id } }")).me, guessesLeft: await guessesLeft(user.email) }),
        };
      },
    );
    assert.deepEqual(sent.setCookies, []);
    assert.equal((sent.body as any).data, null);
  });

  it("aliased changePassword guesses use one guess of the budget, as the one error says", async () => {
    const guesses = Array.from({ length: 4 }, (_, i) => `g${i}: changePassword(currentPassword: "guess number ${i}", newPassword: "another fine passphrase ${i}")`);
    const sent = await twice(`mutation Guesses { ${guesses.join(" ")} }`, async (client) => {
      const user = await registerUser(client);
      return {
        state: async () => {
          // The change-password budget is the user's own: count how many more wrong guesses it takes.
          let left = 0;
          while (left < 10) {
            const res = await client.gql(`mutation { changePassword(currentPassword: "still wrong", newPassword: "another fine passphrase") }`);
            if (res.errors?.[0]?.extensions?.code === "TOO_MANY_REQUESTS") break;
            left++;
          }
          return { left, loginStillWorks: !(await login(instance.client(), user.email)).errors };
        },
      };
    });
    assert.equal((sent.body as any).errors.length, 1);
    assert.equal((sent.body as any).errors[0].extensions.code, "BAD_USER_INPUT");
  });

  it("fields that succeed run in order, each seeing the one before; @skip leaves one out", async () => {
    const query = `mutation Add($id: ID!, $skip: Boolean!) {
      a: addToCart(productId: $id) { itemCount }
      b: addToCart(productId: $id) @skip(if: $skip) { itemCount }
      ... on Mutation { c: addToCart(productId: $id, quantity: 3) { itemCount } }
    }`;
    for (const skip of [false, true]) {
      const sent = await twice(query.replace("Add(", `Add${skip ? "Skip" : ""}(`), async (client) => {
        const user = await registerUser(client);
        return { variables: { id: productId, skip }, state: () => rows(user.id) };
      });
      assert.deepEqual(sent.body, { data: skip ? { a: { itemCount: 1 }, c: { itemCount: 4 } } : { a: { itemCount: 1 }, b: { itemCount: 2 }, c: { itemCount: 5 } } });
    }
  });
});
