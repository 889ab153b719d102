import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { registerUser } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import { processEnv } from "./helpers/server";
import { ADMIN_ENV, PRODUCT_FIELDS } from "./helpers/shop";

interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
  /** Whether the request's log line says it was served without Apollo's pipeline. */
  prepared: boolean;
}

/**
 * Sends a raw GraphQL request and finds its log line by request id. Every comparison below is between an
 * instance that runs every request through Apollo Server (GRAPHQL_PREPARED_DOCUMENTS=0) and one that
 * serves repeated documents itself, both on the same database and sessions.
 */
async function send(instance: Instance, payload: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const id = randomUUID();
  const res = await fetch(instance.url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-request-id": id, ...headers },
    body: JSON.stringify(payload),
  });
  const text = await res.text();
  for (let i = 0; i < 100; i++) {
    const line = instance.logLines().find((l) => l.req?.id === id && l.msg !== undefined && l.res);
    if (line) return { status: res.status, contentType: res.headers.get("content-type"), body: JSON.parse(text), prepared: line.graphql?.prepared === true };
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no log line for request ${id}`);
}

const strip = ({ status, contentType, body }: Answer) => ({ status, contentType, body });

describe("prepared operations: a repeated document skips Apollo's pipeline and answers exactly as Apollo does", () => {
  let apolloOnly: Instance;
  let prepared: Instance;
  let cookie: string;

  before(async () => {
    const env = await processEnv("prepared_operations", ADMIN_ENV);
    apolloOnly = await startInstance({ ...env, GRAPHQL_PREPARED_DOCUMENTS: "0" });
    prepared = await startInstance({ ...env, GRAPHQL_PREPARED_DOCUMENTS: "3" });
    const client = apolloOnly.client();
    await registerUser(client);
    cookie = await client.cookieHeader();
  });
  after(async () => {
    await apolloOnly?.stop();
    await prepared?.stop();
  });

  /** The first request of a document goes through Apollo; the second is served prepared; both match Apollo's answer. */
  async function assertSameAnswers(payload: unknown, headers: Record<string, string> = {}, expectPrepared = true): Promise<Answer> {
    const reference = await send(apolloOnly, payload, headers);
    assert.equal(reference.prepared, false);
    const first = await send(prepared, payload, headers);
    const second = await send(prepared, payload, headers);
    assert.equal(first.prepared, false, "a document seen for the first time goes through Apollo");
    assert.equal(second.prepared, expectPrepared);
    assert.deepEqual(strip(first), strip(reference));
    assert.deepEqual(strip(second), strip(reference));
    return second;
  }

  it("me, anonymous and logged in", async () => {
    const anonymous = await assertSameAnswers({ query: "{ me { id email role } }" });
    assert.deepEqual(anonymous.body, { data: { me: null } });
    assert.equal(anonymous.contentType, "application/json; charset=utf-8");
    const loggedIn = await assertSameAnswers({ query: "query Me { me { id email name role createdAt } }" }, { cookie });
    assert.equal((loggedIn.body as any).data.me.role, "USER");
  });

  it("negotiates the response type from Accept as Apollo does, and leaves a refused Accept to Apollo", async () => {
    const apolloClient = await assertSameAnswers({ query: "{ me { id } }" }, { accept: "application/graphql-response+json,application/json;q=0.9" });
    assert.equal(apolloClient.contentType, "application/graphql-response+json; charset=utf-8");
    await assertSameAnswers({ query: "{ me { id name } }" }, { accept: "*/*" });
    const refused = await assertSameAnswers({ query: "{ me { id email } }" }, { accept: "text/html" }, false);
    assert.equal(refused.status, 406);
  });

  it("resolver errors: same codes, same masking, same partial data, status 200", async () => {
    const unauthenticated = await assertSameAnswers({ query: "{ orders { totalCount } }" });
    assert.equal((unauthenticated.body as any).errors[0].extensions.code, "UNAUTHENTICATED");
    const badInput = await assertSameAnswers({ query: "query P($n: Int) { products(first: $n) { totalCount } }", variables: { n: 1000 } });
    assert.equal(badInput.status, 200);
    assert.equal((badInput.body as any).errors[0].extensions.code, "BAD_USER_INPUT");
  });

  it("variables that do not coerce are left to Apollo, which answers its 400 before anything runs", async () => {
    const query = "query Product($id: ID!) { product(id: $id) { " + PRODUCT_FIELDS + " } }";
    await assertSameAnswers({ query, variables: { id: "1" } });
    const reference = await send(apolloOnly, { query, variables: { id: { not: "an id" } } });
    const answer = await send(prepared, { query, variables: { id: { not: "an id" } } });
    assert.equal(answer.status, 400);
    assert.equal(answer.prepared, false);
    assert.deepEqual(strip(answer), strip(reference));
  });

  it("an operation name is served prepared only once Apollo has resolved the document with it", async () => {
    const query = "query A { me { id } } query B { products(first: 1) { totalCount } }";
    await assertSameAnswers({ query, operationName: "A" });
    const b = await send(prepared, { query, operationName: "B" });
    assert.equal(b.prepared, false);
    assert.equal((await send(prepared, { query, operationName: "B" })).prepared, true);
    const missing = await send(prepared, { query });
    assert.equal(missing.status, 400, "no operation name for a document of two is Apollo's error");
    assert.equal(missing.prepared, false);
  });

  it("a prepared mutation runs once per request", async () => {
    const client = prepared.client();
    const admin = await client.ok(`mutation { login(email: "${ADMIN_ENV.ADMIN_EMAIL}", password: "${ADMIN_ENV.ADMIN_PASSWORD}") { id } }`);
    assert.ok(admin);
    const { createProduct } = await client.ok(
      `mutation { createProduct(input: { sku: "PREP-${Date.now()}", name: "Prepared", priceCents: 100, stock: 50 }) { id } }`,
    );
    const add = "mutation Add($id: ID!) { addToCart(productId: $id) { itemCount } }";
    for (const expected of [1, 2, 3]) {
      const { addToCart } = await client.ok(add, { id: createProduct.id });
      assert.equal(addToCart.itemCount, expected);
    }
  });

  it("requests it does not serve go to Apollo: batches, persisted-query extensions, GET", async () => {
    const query = "{ me { id } }";
    await send(prepared, { query });
    const batch = await send(prepared, [{ query }]);
    assert.equal(batch.status, 400);
    assert.equal(batch.prepared, false);
    const persisted = await send(prepared, { query, extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } });
    assert.equal(persisted.prepared, false);
    const get = await fetch(`${prepared.url}?query=${encodeURIComponent(query)}`, { headers: { "apollo-require-preflight": "1" } });
    assert.equal(get.status, 200);
    assert.deepEqual(await get.json(), { data: { me: null } });
  });

  it("remembers a bounded number of documents, forgetting the oldest", async () => {
    const queries = ["{ me { id } }", "{ me { email } }", "{ me { name } }", "{ me { role } }"];
    for (const query of queries) {
      await send(prepared, { query });
      assert.equal((await send(prepared, { query })).prepared, true);
    }
    // The limit is 3: the first document of the four has been forgotten, the last is still known.
    assert.equal((await send(prepared, { query: queries[0] })).prepared, false);
    assert.equal((await send(prepared, { query: queries[3] })).prepared, true);
  });
});
