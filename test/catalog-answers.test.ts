import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes, type TestClient } from "./helpers/client";
import { registerUser } from "./helpers/factories";
import { QUIET_MAIL_SENDER, freshDependencies, invalidationsDelivered, startTestServerOn, type TestServer } from "./helpers/server";
import { ADMIN_ENV, PRODUCT_FIELDS, createProduct, loginAdmin, uniqueSku, updateProduct } from "./helpers/shop";
import { countSql } from "./helpers/sql-counter";
import { getNamedType } from "graphql";
import { catalogAnswers } from "../src/catalog/catalog";
import { buildApiSchema } from "../src/schema";

// The fast path keeps the whole JSON answer of a query that selects only catalog fields (`product`,
// `products`) for its document, variables and audience, next to the reads it was made of. These tests hold
// it to the answers it replaces: the same bytes as an instance that keeps nothing, nobody else's view, no
// error kept.
const PAGE = `query($search: String, $first: Int) { products(search: $search, first: $first) { edges { cursor node { ${PRODUCT_FIELDS} } } totalCount pageInfo { hasNextPage endCursor } } }`;
const MIXED = `query($search: String) { products(search: $search) { totalCount } me { email } }`;
/** Three times: Apollo answers the first, the fast path makes and keeps the second, and serves the third. */
const THRICE = 3;

async function rawBody(server: TestServer, client: TestClient, query: string, variables: Record<string, unknown>) {
  const res = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: await client.cookieHeader() },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, contentType: res.headers.get("content-type"), text: await res.text() };
}

describe("the fields whose answers are shared", () => {
  it("are Query fields answering products and nothing else", async () => {
    const fields = (await buildApiSchema()).getQueryType()!.getFields();
    for (const name of catalogAnswers.fields) assert.match(getNamedType(fields[name]?.type)?.name ?? "(none)", /^Product(Connection)?$/, name);
  });
});

describe("whole answers of catalog queries, kept by the fast path (MySQL and Redis)", () => {
  let kept: TestServer;
  let plain: TestServer;
  let admin: TestClient;

  before(async () => {
    const dependencies = await freshDependencies("catalog_answers");
    kept = await startTestServerOn(dependencies, { ...ADMIN_ENV, ...QUIET_MAIL_SENDER, CATALOG_CACHE_TTL_MS: "60000", READ_YOUR_WRITES_S: "0" });
    plain = await startTestServerOn(dependencies, { ...ADMIN_ENV, ...QUIET_MAIL_SENDER, CATALOG_CACHE_TTL_MS: "0" });
    admin = await loginAdmin(kept.client());
  });
  after(async () => {
    await kept?.close();
    await plain?.close();
  });

  it("answers byte for byte what an instance keeping nothing answers, without a statement once kept", async () => {
    const search = uniqueSku("ANS");
    for (const i of [1, 2, 3]) await createProduct(admin, { name: `Answer ${i} ${search}` });
    await invalidationsDelivered(kept); // its own messages come back over Redis, and would drop what it keeps
    for (const variables of [{ search }, { search, first: 2 }]) {
      const expected = await rawBody(plain, plain.client(), PAGE, variables);
      const answers = [];
      for (let i = 0; i < THRICE; i++) answers.push(await rawBody(kept, kept.client(), PAGE, variables));
      for (const answer of answers) assert.deepEqual(answer, expected);
      const { statements } = await countSql(kept.services.orm, () => rawBody(kept, kept.client(), PAGE, variables));
      assert.deepEqual(statements, []);
    }
  });

  it("keeps an ADMIN's answer apart from a visitor's (inactive products are the ADMIN's alone)", async () => {
    const search = uniqueSku("AUD");
    const hidden = await createProduct(admin, { name: `Hidden ${search}` });
    await updateProduct(admin, hidden.id, { active: false });
    await createProduct(admin, { name: `Shown ${search}` });
    const visitor = kept.client();
    for (let i = 0; i < THRICE; i++) {
      const seenByAdmin = await admin.ok(PAGE, { search });
      const seenByVisitor = await visitor.ok(PAGE, { search });
      assert.deepEqual(seenByAdmin.products.edges.map((e: { node: { name: string } }) => e.node.name), [`Hidden ${search}`, `Shown ${search}`]);
      assert.deepEqual(seenByVisitor.products.edges.map((e: { node: { name: string } }) => e.node.name), [`Shown ${search}`]);
    }
  });

  it("keeps no answer that holds an error, and answers each request with its own error", async () => {
    const before = kept.services.catalogCache.size;
    for (let i = 0; i < THRICE; i++) {
      const res = await kept.client().gql(PAGE, { search: "x", first: 101 });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
    }
    assert.equal(kept.services.catalogCache.size, before);
  });

  it("answers a query that also selects something else for each visitor alone", async () => {
    const search = uniqueSku("MIX");
    await createProduct(admin, { name: `Mixed ${search}` });
    const one = kept.client();
    const two = kept.client();
    const userOne = await registerUser(one);
    const userTwo = await registerUser(two);
    for (let i = 0; i < THRICE; i++) {
      assert.deepEqual(await one.ok(MIXED, { search }), { products: { totalCount: 1 }, me: { email: userOne.email } });
      assert.deepEqual(await two.ok(MIXED, { search }), { products: { totalCount: 1 }, me: { email: userTwo.email } });
      assert.deepEqual(await kept.client().ok(MIXED, { search }), { products: { totalCount: 1 }, me: null });
    }
  });

  it("drops a kept answer with the catalog: a change shows in the next answer", async () => {
    const search = uniqueSku("CHG");
    const product = await createProduct(admin, { name: `Before ${search}`, priceCents: 100 });
    for (let i = 0; i < THRICE; i++) await kept.client().ok(PAGE, { search });
    await updateProduct(admin, product.id, { name: `After ${search}`, priceCents: 200 });
    const { products } = await kept.client().ok(PAGE, { search });
    assert.deepEqual(products.edges.map((e: { node: { name: string; priceCents: number } }) => [e.node.name, e.node.priceCents]), [[`After ${search}`, 200]]);
  });
});
