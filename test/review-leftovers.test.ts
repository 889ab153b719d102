import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { startInstance, type Instance } from "./helpers/instances";
import { ADD_TO_CART, ADMIN_ENV, createProduct, loginAdmin } from "./helpers/shop";
import { processEnv, startTestServer, type TestServer } from "./helpers/server";
import { PRODUCTION_MAIL_ENV } from "./helpers/production-env";

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));

describe("requests that must not reach the server's internals or echo what was sent", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("review_leftovers", { NODE_ENV: "production", LOG_LEVEL: "silent", ...PRODUCTION_MAIL_ENV });
  });
  after(() => server?.close());

  for (const [label, hash] of [
    ["an unknown hash", "a".repeat(64)],
    ["an invalid hash", "not-a-hash"],
    ["a hash that is not a string", 12],
  ] as const) {
    for (const [path, query] of [["without the query", undefined], ["with a query already prepared", "{ __typename }"]] as const) {
      it(`a persisted query with ${label}, ${path}: 400 PERSISTED_QUERY_NOT_FOUND`, async () => {
        // Sent twice: the second one would be answered by the prepared path if it took it.
        for (let i = 0; i < 2; i++) {
          if (query) await post(server.url, { query });
          const res = await post(server.url, { query, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
          assert.equal(res.status, 400, JSON.stringify(res.body));
          assert.deepEqual(res.body.errors.map((e: any) => e.extensions.code), ["PERSISTED_QUERY_NOT_FOUND"]);
        }
      });
    }
  }

  it("a variable that does not coerce: BAD_USER_INPUT naming the variable, never its value, on both paths", async () => {
    const secret = "Sup3r-secret-password-value";
    const query = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { id } }`;
    const client = server.client();
    for (const variables of [
      { email: "x@example.test", password: { secret } },
      { email: "x@example.test", password: [secret] },
      { email: { secret }, password: 1 },
    ]) {
      // The first request goes through Apollo, the second would take the prepared path.
      for (let i = 0; i < 2; i++) {
        const res = await client.gql(query, variables);
        assert.equal(res.status, 400);
        assert.ok(codes(res).length > 0 && codes(res).every((code) => code === "BAD_USER_INPUT"), JSON.stringify(res.errors));
        assert.ok(!JSON.stringify(res.errors).includes(secret), JSON.stringify(res.errors));
        for (const error of res.errors!) assert.match(error.message, /^Variable "\$(password|email)" got an invalid value\.$/);
      }
    }
  });
});

describe("the prepared documents are bounded in bytes as well as in number", () => {
  let instance: Instance;
  before(async () => {
    instance = await startInstance(await processEnv("prepared_bytes", { GRAPHQL_PREPARED_DOCUMENTS: "1000", GRAPHQL_PREPARED_DOCUMENTS_MAX_BYTES: "200000" }));
  });
  after(() => instance?.stop());

  /** Whether the request's log line says it was served prepared (without Apollo's pipeline). */
  async function servedPrepared(query: string): Promise<boolean> {
    const id = randomUUID();
    const res = await fetch(instance.url, { method: "POST", headers: { "content-type": "application/json", "x-request-id": id }, body: JSON.stringify({ query }) });
    assert.equal(res.status, 200, await res.text());
    for (let i = 0; i < 200; i++) {
      const line = instance.logLines().find((l) => l.req?.id === id && l.res);
      if (line) return line.graphql?.prepared === true;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no log line for request ${id}`);
  }

  it("many large distinct documents: the oldest are forgotten once their text passes the bound", async () => {
    // 40 KB of comment each: about 5 fit in 200,000 bytes, far fewer than the 1000 documents allowed.
    const documents = Array.from({ length: 12 }, (_, i) => `# ${String(i).padStart(3, "0")} ${"x".repeat(40_000)}\n{ __typename }`);
    for (const query of documents) {
      assert.equal(await servedPrepared(query), false);
      assert.equal(await servedPrepared(query), true, "a document within the bound is served prepared from its second request");
    }
    assert.equal(await servedPrepared(documents[0]), false, "the oldest documents were forgotten");
    assert.equal(await servedPrepared(documents.at(-1)!), true, "the newest is still kept");
  });
});

describe("anonymous sessions are limited per client", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("anon_sessions", { ...ADMIN_ENV, ANON_SESSIONS_MAX_PER_IP: "5" });
  });
  after(() => server?.close());

  it("cookieless cart writes past ANON_SESSIONS_MAX_PER_IP are TOO_MANY_REQUESTS and store no session; a guest's own session keeps writing", async () => {
    const product = await createProduct(await loginAdmin(server.client()));
    const guest = server.client();
    const answers: unknown[] = [];
    answers.push(codes(await guest.gql(ADD_TO_CART, { productId: product.id }))[0] ?? "OK");
    for (let i = 0; i < 6; i++) answers.push(codes(await server.client().gql(ADD_TO_CART, { productId: product.id }))[0] ?? "OK");
    assert.deepEqual(answers, ["OK", "OK", "OK", "OK", "OK", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
    const [{ carts }] = await server.sql("SELECT COUNT(*) AS carts FROM carts WHERE session_key IS NOT NULL");
    assert.equal(Number(carts), 5);
    assert.equal((await guest.ok(ADD_TO_CART, { productId: product.id })).addToCart.itemCount, 2, "an existing session is not counted again");
  });
});
