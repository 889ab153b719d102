import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { startTestServer, type TestServer } from "./helpers/server";

const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(async (res) => ({ status: res.status, body: (await res.json()) as any }));

describe("requests that must not reach the server's internals or echo what was sent", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("review_leftovers", { NODE_ENV: "production", LOG_LEVEL: "silent" });
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
