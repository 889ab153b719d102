import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes, type TestClient } from "./helpers/client";
import { registerUser } from "./helpers/factories";
import { ServerOnOwnRedis } from "./helpers/deaf-server";
import {
  QUIET_MAIL_SENDER, flushUserCaches, freshDependencies, invalidationsDelivered, startEmbeddedServer, startTestServerOn, type TestServer,
} from "./helpers/server";
import { ADMIN_ENV, CHECKOUT, PRODUCT_FIELDS, addToCart, createProduct, loginAdmin, uniqueSku, updateProduct } from "./helpers/shop";
import { countSql } from "./helpers/sql-counter";
import type { Request, Response } from "express";
import { listProducts } from "../src/catalog/catalog";
import type { Context } from "../src/context";
import { visitorReads } from "../src/db/replicas/visitor-reads";

const PAGE = `query($search: String, $first: Int, $after: String) {
  products(search: $search, first: $first, after: $after) { edges { cursor node { ${PRODUCT_FIELDS} } } totalCount pageInfo { hasNextPage endCursor } }
}`;
const PRODUCT = `query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
// Long, so that a change seen at once was brought by the invalidation, not by the TTL.
const LONG_TTL = { CATALOG_CACHE_TTL_MS: "60000" };

/** The statements of `work` that read products (a logged-in client's first request also reads its user). */
async function productSql<T>(server: TestServer, work: () => Promise<T>) {
  await invalidationsDelivered(server);
  const { result, statements } = await countSql(server.services.orm, work);
  return { result, statements: statements.filter((sql) => /\bproducts\b/i.test(sql)) };
}

/** The products page `client` gets from `server` (first 20 unless told), and the statements `server` sent for it. */
async function page(server: TestServer, client: TestClient, variables: Record<string, unknown>) {
  const { result, statements } = await productSql(server, () => client.ok(PAGE, variables));
  return { products: result.products, statements };
}

async function product(server: TestServer, client: TestClient, id: string) {
  const { result, statements } = await productSql(server, () => client.ok(PRODUCT, { id }));
  return { product: result.product, statements };
}

/** A word only this test's products hold, to search by: each test reads pages of its own. */
const word = () => uniqueSku("CC");
const names = (products: { edges: Array<{ node: { name: string } }> }) => products.edges.map((e) => e.node.name);

// Two instances on one MySQL database and one Redis prefix, as behind a load balancer; both run in this
// process, so each one's SQL can be counted. READ_YOUR_WRITES_S=0: here every visitor reads through the
// cache, the admin too, so only invalidations can bring a change (the bypass has tests of its own below).
describe("the catalog cache on two instances (MySQL and Redis)", () => {
  let a: TestServer;
  let b: TestServer;
  let adminOnA: TestClient;
  let visitorOnB: TestClient;

  before(async () => {
    const dependencies = await freshDependencies("catalog_cache");
    const env = { ...ADMIN_ENV, ...QUIET_MAIL_SENDER, ...LONG_TTL, READ_YOUR_WRITES_S: "0" };
    a = await startTestServerOn(dependencies, env);
    b = await startTestServerOn(dependencies, env);
    adminOnA = await loginAdmin(a.client());
    visitorOnB = b.client();
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  it("a page read again is served from memory: no SQL statement", async () => {
    const search = word();
    await createProduct(adminOnA, { name: `Cached ${search}` });
    const first = await page(b, visitorOnB, { search });
    assert.deepEqual([first.statements.length, names(first.products)], [1, [`Cached ${search}`]]);
    const again = await page(b, b.client(), { search });
    assert.deepEqual(again.statements, []);
    assert.deepEqual(again.products, first.products);
  });

  it("an ADMIN's change on A (name, price, stock, then active=false) shows in B's next page at once", async () => {
    const search = word();
    const created = await createProduct(adminOnA, { name: `Before ${search}`, priceCents: 1000, stock: 10 });
    await page(b, visitorOnB, { search });
    assert.deepEqual((await page(b, visitorOnB, { search })).statements, [], "cached on B");

    await updateProduct(adminOnA, created.id, { name: `After ${search}`, priceCents: 1234, stock: 3 });
    const changed = await page(b, visitorOnB, { search });
    assert.equal(changed.statements.length, 1, "read again once");
    const { name, priceCents, stock, active } = changed.products.edges[0].node;
    assert.deepEqual({ name, priceCents, stock, active }, { name: `After ${search}`, priceCents: 1234, stock: 3, active: true });

    await updateProduct(adminOnA, created.id, { active: false });
    const hidden = await page(b, visitorOnB, { search });
    assert.deepEqual([hidden.products.totalCount, hidden.products.edges], [0, []]);
  });

  it("a checkout on A moves the stock B shows", async () => {
    const search = word();
    const stocked = await createProduct(adminOnA, { name: `Stocked ${search}`, stock: 10 });
    const shopper = a.client();
    await registerUser(shopper);
    await addToCart(shopper, stocked.id, 3);
    assert.equal((await page(b, visitorOnB, { search })).products.edges[0].node.stock, 10);
    await shopper.ok(CHECKOUT);
    assert.equal((await page(b, visitorOnB, { search })).products.edges[0].node.stock, 7);
  });

  it("a product created on A appears in B's page, and its total", async () => {
    const search = word();
    assert.equal((await page(b, visitorOnB, { search })).products.totalCount, 0);
    await createProduct(adminOnA, { name: `New ${search}` });
    const after = await page(b, visitorOnB, { search });
    assert.deepEqual([after.products.totalCount, names(after.products)], [1, [`New ${search}`]]);
  });

  it("product(id) is cached too, and an update or a deactivation on A shows on B at once", async () => {
    const created = await createProduct(adminOnA, { name: "One product" });
    const first = await product(b, visitorOnB, created.id);
    assert.deepEqual([first.statements.length, first.product], [1, created]);
    assert.deepEqual((await product(b, visitorOnB, created.id)).statements, []);
    await updateProduct(adminOnA, created.id, { name: "One product, renamed" });
    assert.equal((await product(b, visitorOnB, created.id)).product.name, "One product, renamed");
    await updateProduct(adminOnA, created.id, { active: false });
    assert.equal((await product(b, visitorOnB, created.id)).product, null);
    assert.equal((await product(b, adminOnA.at(b.url), created.id)).product.active, false, "an ADMIN still sees it");
  });

  it("an ADMIN and a visitor are kept apart: the ADMIN's page holds the inactive product", async () => {
    const search = word();
    await createProduct(adminOnA, { name: `Shown ${search}` });
    await createProduct(adminOnA, { name: `Hidden ${search}`, active: false });
    const adminOnB = adminOnA.at(b.url);
    for (let i = 0; i < 2; i++) {
      const seenByVisitor = await page(b, visitorOnB, { search });
      const seenByAdmin = await page(b, adminOnB, { search });
      assert.deepEqual(names(seenByVisitor.products), [`Shown ${search}`]);
      assert.deepEqual(names(seenByAdmin.products), [`Shown ${search}`, `Hidden ${search}`]);
      // Each read once, then each served from its own entry.
      assert.deepEqual([seenByVisitor.statements.length, seenByAdmin.statements.length], i === 0 ? [1, 1] : [0, 0]);
    }
  });

  it("searches, page sizes and cursors are kept apart", async () => {
    const [one, two] = [word(), word()];
    await createProduct(adminOnA, { name: `First ${one}` });
    await createProduct(adminOnA, { name: `Second ${one}` });
    await createProduct(adminOnA, { name: `Other ${two}` });
    const expected = async () => {
      const full = await page(b, visitorOnB, { search: one });
      const other = await page(b, visitorOnB, { search: two });
      const firstOnly = await page(b, visitorOnB, { search: one, first: 1 });
      const next = await page(b, visitorOnB, { search: one, first: 1, after: firstOnly.products.pageInfo.endCursor });
      assert.deepEqual(names(full.products), [`First ${one}`, `Second ${one}`]);
      assert.deepEqual(names(other.products), [`Other ${two}`]);
      assert.deepEqual([names(firstOnly.products), firstOnly.products.pageInfo.hasNextPage], [[`First ${one}`], true]);
      assert.deepEqual([names(next.products), next.products.pageInfo.hasNextPage], [[`Second ${one}`], false]);
      return [full, other, firstOnly, next].map((read) => read.statements.length);
    };
    assert.deepEqual(await expected(), [1, 1, 1, 1]);
    assert.deepEqual(await expected(), [0, 0, 0, 0]);
  });

  it("invalid arguments give the same errors as without the cache, send no SQL, and keep nothing", async () => {
    const size = b.services.catalogCache.size;
    for (const variables of [{ first: 101 }, { first: -1 }, { after: "not-a-cursor" }, { search: "x".repeat(201) }]) {
      const { result, statements } = await countSql(b.services.orm, () => visitorOnB.gql(PAGE, variables));
      assert.deepEqual(codes(result), ["BAD_USER_INPUT"], JSON.stringify(variables));
      assert.deepEqual(statements, []);
      const field = Object.keys(variables)[0];
      assert.ok(result.errors![0].extensions!.fields[field], JSON.stringify(result.errors));
    }
    assert.equal(b.services.catalogCache.size, size);
  });

  it("concurrent reads of one page on a cold cache send one statement", async () => {
    const search = word();
    await createProduct(adminOnA, { name: `Busy ${search}` });
    const { result, statements } = await productSql(b, () =>
      Promise.all(Array.from({ length: 5 }, () => b.client().ok(PAGE, { search }))),
    );
    assert.ok(result.every((r) => r.products.totalCount === 1));
    assert.equal(statements.length, 1, statements.join("\n"));
  });

  it("a change made in SQL by hand shows within the TTL, or at once after a flush (the documented bound)", async () => {
    const search = word();
    const created = await createProduct(adminOnA, { name: `By hand ${search}` });
    await page(b, visitorOnB, { search });
    await a.sql("UPDATE products SET name = ? WHERE id = ?", [`Changed in SQL ${search}`, created.id]);
    assert.deepEqual(names((await page(b, visitorOnB, { search })).products), [`By hand ${search}`]); // until CATALOG_CACHE_TTL_MS
    await flushUserCaches(b); // the operator's '*': every cache of every instance
    assert.deepEqual(names((await page(b, visitorOnB, { search })).products), [`Changed in SQL ${search}`]);
  });
});

describe("the catalog cache while its invalidations cannot arrive (Redis down)", () => {
  let deaf: ServerOnOwnRedis;
  let server: TestServer;
  before(async () => {
    deaf = await ServerOnOwnRedis.start("catalog_cache_deaf", { ...ADMIN_ENV, ...QUIET_MAIL_SENDER, ...LONG_TTL });
    server = deaf.server;
  });
  after(async () => {
    await deaf?.close();
  });

  it("reads every page from the database and keeps none while the subscriber is disconnected, and caches again once back", async () => {
    const search = word();
    const created = await createProduct(await loginAdmin(server.client()), { name: `Deaf ${search}` });
    await page(server, server.client(), { search });
    assert.deepEqual((await page(server, server.client(), { search })).statements, []);

    await deaf.deafen();
    await server.sql("UPDATE products SET name = ? WHERE id = ?", [`Changed while deaf ${search}`, created.id]);
    for (let i = 0; i < 2; i++) {
      const read = await page(server, server.client(), { search });
      assert.deepEqual([names(read.products), read.statements.length], [[`Changed while deaf ${search}`], 1]);
    }
    assert.equal(server.services.catalogCache.size, 0);

    await deaf.restore();
    assert.equal((await page(server, server.client(), { search })).statements.length, 1);
    assert.deepEqual((await page(server, server.client(), { search })).statements, []);
  });
});

describe("the catalog cache turned off (CATALOG_CACHE_TTL_MS=0)", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServerOn(await freshDependencies("catalog_cache_off"), { ...ADMIN_ENV, ...QUIET_MAIL_SENDER, CATALOG_CACHE_TTL_MS: "0" });
  });
  after(() => server?.close());

  it("sends a statement for every read, and keeps nothing", async () => {
    const created = await createProduct(await loginAdmin(server.client()));
    const visitor = server.client();
    for (let i = 0; i < 3; i++) {
      assert.equal((await page(server, visitor, {})).statements.length, 1);
      assert.equal((await product(server, visitor, created.id)).statements.length, 1);
    }
    assert.equal(server.services.catalogCache.size, 0);
  });
});

describe("the catalog cache on the embedded defaults (SQLite, one instance)", () => {
  let server: TestServer;
  let admin: TestClient;
  before(async () => {
    server = await startEmbeddedServer({ ...ADMIN_ENV, ...LONG_TTL });
    admin = await loginAdmin(server.client());
  });
  after(() => server?.close());

  it("caches pages, and a create or an update through the API shows at once", async () => {
    const visitor = server.client();
    const search = word();
    assert.equal((await page(server, visitor, { search })).products.totalCount, 0);
    assert.deepEqual((await page(server, visitor, { search })).statements, []);
    const created = await createProduct(admin, { name: `Embedded ${search}` });
    assert.deepEqual(names((await page(server, visitor, { search })).products), [`Embedded ${search}`]);
    await updateProduct(admin, created.id, { name: `Embedded, renamed ${search}` });
    assert.deepEqual(names((await page(server, visitor, { search })).products), [`Embedded, renamed ${search}`]);
  });

  // The API tracks when a visitor last wrote only where replicas are configured (visitorReads, app.ts), so this
  // runs listProducts as that middleware would: a visitor whose session holds a recent write reads past the cache.
  it("a visitor who wrote within READ_YOUR_WRITES_S (5 s) reads past the cache; others are served from it", async () => {
    const search = word();
    await createProduct(admin, { name: `Mine ${search}` });
    const context = () => ({ em: server.services.orm.em.fork(), services: server.services, user: null }) as unknown as Context;
    const asVisitor = (lastWriteAt: number | undefined) =>
      productSql(server, () =>
        new Promise((resolve, reject) => {
          const request = { session: { lastWriteAt } } as unknown as Request;
          visitorReads(1000)(request, {} as Response, () => void listProducts(context(), { first: 20, search }).then(resolve, reject));
        }),
      );
    assert.equal((await asVisitor(undefined)).statements.length, 1);
    assert.deepEqual((await asVisitor(undefined)).statements, []);
    assert.deepEqual((await asVisitor(Date.now() - 6000)).statements, [], "a write longer ago than READ_YOUR_WRITES_S");
    for (const lastWriteAt of [Date.now() - 1000, Date.now() + 1000]) {
      assert.equal((await asVisitor(lastWriteAt)).statements.length, 1, "a recent write, or one that may still be committing");
    }
    assert.deepEqual((await asVisitor(undefined)).statements, [], "the cached page stayed");
  });
});
