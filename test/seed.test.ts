import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, before, it } from "node:test";
import { DEMO_CATALOG, seedCatalog } from "../src/catalog/seed-catalog";
import { Product } from "../src/entities/product.entity";
import { REDIS_URL, TEST_SECRET, freshDependencies, startTestServer, startTestServerOn, type TestServer } from "./helpers/server";

let server: TestServer;
before(async () => {
  server = await startTestServer("seed");
});
after(() => server?.close());

it("inserts the demo catalog once, and leaves products an admin changed as they are", async () => {
  const em = () => server.services.orm.em.fork();
  const writer = () => ({ em: em(), services: server.services });
  const TOTAL = "{ products(first: 1) { totalCount } }";
  assert.equal((await server.client().ok(TOTAL)).products.totalCount, 0); // cached by the catalog cache
  assert.equal(await seedCatalog(writer()), DEMO_CATALOG.length);
  assert.equal((await server.client().ok(TOTAL)).products.totalCount, DEMO_CATALOG.length, "the seed emptied the cache");
  await server.sql("UPDATE products SET price_cents = 1 WHERE sku = ?", [DEMO_CATALOG[0].sku]);
  assert.equal(await seedCatalog(writer()), 0);
  assert.equal(await em().count(Product, {}), DEMO_CATALOG.length);
  const [row] = await server.sql("SELECT price_cents FROM products WHERE sku = ?", [DEMO_CATALOG[0].sku]);
  assert.equal(row.price_cents, 1);
});

it("npm run seed migrates and seeds an empty embedded database, and a second run adds nothing", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sessiongraph-seed-"));
  try {
    const script = path.resolve(__dirname, "..", "src", "scripts", "seed.js");
    const env = { PATH: process.env.PATH, NODE_ENV: "test", SQLITE_PATH: path.join(dir, "db.sqlite") };
    const first = await promisify(execFile)(process.execPath, [script], { env });
    assert.match(first.stdout, new RegExp(`on sqlite: ${DEMO_CATALOG.length} product\\(s\\) added`));
    const second = await promisify(execFile)(process.execPath, [script], { env });
    assert.match(second.stdout, /on sqlite: 0 product\(s\) added/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("npm run seed on MySQL and Redis empties the running instances' catalog caches", async () => {
  const dependencies = await freshDependencies("seed_redis");
  const running = await startTestServerOn(dependencies, { CATALOG_CACHE_TTL_MS: "60000" });
  try {
    const TOTAL = "{ products(first: 1) { totalCount } }";
    assert.equal((await running.client().ok(TOTAL)).products.totalCount, 0); // cached for a minute
    const script = path.resolve(__dirname, "..", "src", "scripts", "seed.js");
    const env = {
      PATH: process.env.PATH, NODE_ENV: "test", DATABASE_URL: dependencies.databaseUrl, REDIS_URL,
      REDIS_KEY_PREFIX: dependencies.redisPrefix, SESSION_SECRET: TEST_SECRET,
    };
    const { stdout } = await promisify(execFile)(process.execPath, [script], { env });
    assert.match(stdout, new RegExp(`on mysql: ${DEMO_CATALOG.length} product\\(s\\) added`));
    assert.equal((await running.client().ok(TOTAL)).products.totalCount, DEMO_CATALOG.length);
  } finally {
    await running.close();
  }
});
