import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import fetchCookie from "fetch-cookie";
import { CookieJar } from "tough-cookie";
import { createApolloClient } from "../examples/web/src/apollo";
import { MeQuery, RegisterMutation } from "../examples/web/src/auth/operations";
import { AddToCartMutation } from "../examples/web/src/cart/operations";
import { ProductsQuery } from "../examples/web/src/catalog/operations";
import { documentIdsByName } from "../examples/web/src/document-ids";
import { loadConfig } from "../src/config";
import { STRONG_PASSWORD, uniqueEmail } from "./helpers/factories";
import { freePort } from "./helpers/ports";
import { scrape, value } from "./helpers/metrics";
import { freshDependencies, startTestServer, startTestServerOn, type TestServer } from "./helpers/server";
import { ADMIN_ENV, createProduct, loginAdmin } from "./helpers/shop";

const MANIFEST = path.resolve(__dirname, "..", "..", "examples", "web", "src", "gql", "persisted-documents.json");
const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as Record<string, string>;
const idOf = (name: string) => documentIdsByName(manifest).get(name)!;

async function post(server: TestServer, payload: unknown, contentType = "application/json") {
  const res = await fetch(server.url, { method: "POST", headers: { "content-type": contentType }, body: JSON.stringify(payload) });
  return { status: res.status, body: (await res.json()) as any };
}

const NOT_FOUND = { errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] };

describe("trusted documents: clients may send a manifest document's id", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("trusted_documents", { TRUSTED_DOCUMENTS: MANIFEST, METRICS_PORT: String(await freePort()) });
  });
  after(() => server?.close());

  it("answers a document id with the manifest's document, on its first request and after", async () => {
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await post(server, { documentId: idOf("Me"), operationName: "Me" }), { status: 200, body: { data: { __typename: "Query", me: null } } });
    }
  });

  it("refuses an unknown id, or an id sent with another document, with 400 PERSISTED_QUERY_NOT_FOUND", async () => {
    assert.deepEqual(await post(server, { documentId: `sha256:${"0".repeat(64)}` }), { status: 400, body: NOT_FOUND });
    assert.deepEqual(await post(server, { documentId: 42 }), { status: 400, body: NOT_FOUND });
    assert.deepEqual(await post(server, { documentId: idOf("Me"), query: "{ me { email } }" }), { status: 400, body: NOT_FOUND });
  });

  it("still takes any other document when TRUSTED_DOCUMENTS_ONLY is not set", async () => {
    assert.deepEqual(await post(server, { query: "{ me { id } }" }), { status: 200, body: { data: { me: null } } });
  });

  it("labels the manifest's operations in the metrics, and counts refusals", async () => {
    const samples = await scrape(server.metricsUrl!);
    assert.equal(value(samples, "sessiongraph_graphql_operations_total", { operation: "Me", outcome: "ok" }), 3);
    assert.equal(value(samples, "sessiongraph_graphql_operations_total", { operation: "other", outcome: "PERSISTED_QUERY_NOT_FOUND" }), 3);
  });
});

describe("trusted documents only (TRUSTED_DOCUMENTS_ONLY=true)", () => {
  let server: TestServer;
  // The catalog's admin works through an instance that takes any document, on the same database.
  let backOffice: TestServer;
  before(async () => {
    const dependencies = await freshDependencies("trusted_documents_only");
    server = await startTestServerOn(dependencies, { ...ADMIN_ENV, TRUSTED_DOCUMENTS: MANIFEST, TRUSTED_DOCUMENTS_ONLY: "true" });
    backOffice = await startTestServerOn(dependencies, ADMIN_ENV);
  });
  after(async () => {
    await server?.close();
    await backOffice?.close();
  });

  it("refuses any other document before parsing it: 400 PERSISTED_QUERY_NOT_FOUND", async () => {
    assert.deepEqual(await post(server, { query: "{ me { id } }" }), { status: 400, body: NOT_FOUND });
    assert.deepEqual(await post(server, { query: "{{{ not even GraphQL" }), { status: 400, body: NOT_FOUND }, "not a parse error: never parsed");
    assert.deepEqual(await post(server, { extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }), { status: 400, body: NOT_FOUND });
    assert.deepEqual(await post(server, {}), { status: 400, body: NOT_FOUND });
    const get = await fetch(`${server.url}?query=${encodeURIComponent("{ me { id } }")}`, { headers: { "apollo-require-preflight": "1" } });
    assert.equal(get.status, 400);
    assert.deepEqual(await get.json(), NOT_FOUND);
  });

  it("takes a manifest document by id, or by its exact text", async () => {
    assert.equal((await post(server, { documentId: idOf("Me") })).status, 200);
    assert.deepEqual(await post(server, { query: manifest[idOf("Me")] }), { status: 200, body: { data: { __typename: "Query", me: null } } });
  });

  it("serves the example app's Apollo Client, which sends document ids as its production build does", async () => {
    const product = await createProduct(await loginAdmin(backOffice.client()));
    const sent: string[] = [];
    const jar = new CookieJar();
    const cookieFetch = fetchCookie(fetch, jar) as unknown as typeof fetch;
    const recording: typeof fetch = (input, init) => {
      sent.push(String(init?.body));
      return cookieFetch(input, init);
    };
    const client = createApolloClient(server.url, recording, documentIdsByName(manifest));
    const email = uniqueEmail("trusted");
    await client.mutate({ mutation: RegisterMutation, variables: { input: { email, name: "Trusted Shopper", password: STRONG_PASSWORD } } });
    assert.equal((await client.query({ query: MeQuery, fetchPolicy: "network-only" })).data?.me?.email, email);
    const page = await client.query({ query: ProductsQuery, variables: { first: 50 } });
    assert.ok(page.data?.products.edges.some((e) => e.node.id === product.id));
    const cart = await client.mutate({ mutation: AddToCartMutation, variables: { productId: product.id, quantity: 2 } });
    assert.equal(cart.data?.addToCart.itemCount, 2);
    assert.ok(sent.length >= 4);
    for (const body of sent) {
      const parsed = JSON.parse(body) as Record<string, unknown>;
      assert.equal(parsed.query, undefined, "no query text is sent");
      assert.match(String(parsed.documentId), /^sha256:[0-9a-f]{64}$/);
    }
  });
});

describe("trusted documents are checked at start", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "sessiongraph-trusted-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const startWith = async (name: string, content: string) => {
    const file = path.join(dir, `${name}.json`);
    writeFileSync(file, content);
    return startTestServer(`trusted_${name}`, { TRUSTED_DOCUMENTS: file }).then(
      async (server) => {
        await server.close();
        assert.fail("the server started");
      },
      (err: Error) => err.message,
    );
  };

  it("TRUSTED_DOCUMENTS_ONLY without a manifest is refused", () => {
    assert.throws(() => loadConfig({ TRUSTED_DOCUMENTS_ONLY: "true" }), /TRUSTED_DOCUMENTS_ONLY=true needs TRUSTED_DOCUMENTS/);
    assert.throws(() => loadConfig({ TRUSTED_DOCUMENTS: MANIFEST, TRUSTED_DOCUMENTS_ONLY: "maybe" }), /TRUSTED_DOCUMENTS_ONLY/);
  });

  it("a document that does not validate stops the start, naming it", async () => {
    const id = `sha256:${"a".repeat(64)}`;
    const message = await startWith("invalid", JSON.stringify({ [idOf("Me")]: manifest[idOf("Me")], [id]: "query Broken { me { nope } }" }));
    assert.match(message, new RegExp(`TRUSTED_DOCUMENTS: document ${id} does not validate: .*nope`));
  });

  it("a document over the query limits, one that does not parse, and a manifest that is not one stop it too", async () => {
    assert.match(await startWith("unparsable", JSON.stringify({ "sha256:b": "query {" })), /document sha256:b does not parse/);
    assert.match(await startWith("not-a-string", JSON.stringify({ "sha256:c": 3 })), /document sha256:c is not a string/);
    assert.match(await startWith("array", "[]"), /is not an object of document ids to documents/);
    assert.match(await startWith("not-json", "{"), /TRUSTED_DOCUMENTS: cannot read .* as JSON/);
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: me { id }`).join(" ");
    assert.match(await startWith("over-limits", JSON.stringify({ "sha256:d": `query Many { ${aliases} }` })), /document sha256:d does not validate: .*alias/i);
  });
});
