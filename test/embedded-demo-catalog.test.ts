import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import pino from "pino";
import { loadConfig } from "../src/config";
import { DEMO_CATALOG, seedDemoCatalogOnFirstStart } from "../src/catalog/seed-catalog";
import type { Config } from "../src/config";
import type { EntityManager } from "@mikro-orm/core";
import { startServer, type RunningServer } from "../src/server";
import { TestClient } from "./helpers/client";
import { freshDependencies, startEmbeddedServer, startTestServerOn } from "./helpers/server";

const PRODUCTS = `{ products(first: 100) { totalCount edges { node { sku } } } }`;
const LOADED = /^loaded the demo catalog \((\d+) products\) into the fresh embedded database$/;

/** `npm start` with no settings (development, SQLite at `file`), logging into an array the test reads. */
async function firstStart(file: string): Promise<{ server: RunningServer; messages: string[] }> {
  const messages: string[] = [];
  const log = pino({ level: "info" }, { write: (line: string) => messages.push(JSON.parse(line).msg) });
  const config = loadConfig({ NODE_ENV: "development", PORT: "0", HOST: "127.0.0.1", SQLITE_PATH: file, METRICS_PORT: "0" });
  return { server: await startServer(config, {}, { log }), messages };
}

const productsOf = async (url: string) => (await new TestClient(url).ok(PRODUCTS)).products;

describe("the demo catalog on a newcomer's first start (embedded SQLite, development)", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sessiongraph-demo-"));
  const file = path.join(dir, "db.sqlite");
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("loads the demo catalog into the fresh database and says so in the start-up log", async () => {
    const { server, messages } = await firstStart(file);
    try {
      const products = await productsOf(server.url);
      const active = DEMO_CATALOG.length; // every demo product is active
      assert.equal(products.totalCount, active);
      assert.deepEqual(products.edges.map((e: any) => e.node.sku).sort(), DEMO_CATALOG.map((p) => p.sku).sort());
      const line = messages.find((m) => LOADED.test(m));
      assert.ok(line, messages.join("\n"));
      assert.equal(Number(LOADED.exec(line)![1]), DEMO_CATALOG.length);
    } finally {
      await server.close();
    }
  });

  it("loads nothing on the next start: the catalog is no longer empty", async () => {
    const { server, messages } = await firstStart(file);
    try {
      assert.equal((await productsOf(server.url)).totalCount, DEMO_CATALOG.length);
      assert.equal(messages.find((m) => LOADED.test(m)), undefined);
    } finally {
      await server.close();
    }
  });

  it("loads nothing into the tests' embedded servers (NODE_ENV=test)", async () => {
    const server = await startEmbeddedServer();
    try {
      assert.equal((await productsOf(server.url)).totalCount, 0);
    } finally {
      await server.close();
    }
  });

  it("loads nothing with a DATABASE_URL, even in development on an empty database", async () => {
    const server = await startTestServerOn(await freshDependencies("demo_catalog_mysql"), { NODE_ENV: "development" });
    try {
      assert.equal((await productsOf(server.url)).totalCount, 0);
    } finally {
      await server.close();
    }
  });

  it("never in production, whatever the database (production has no embedded default, but the rule does not rely on that)", async () => {
    const untouched = new Proxy({}, { get: () => assert.fail("the database was used") }) as EntityManager;
    for (const kind of ["sqlite", "mysql"]) {
      const config = { env: "production", database: { kind } } as unknown as Config;
      const nobodyTold = { invalidate: async () => assert.fail("nothing was written, so nothing is invalidated") };
      assert.equal(await seedDemoCatalogOnFirstStart({ em: untouched, services: { catalogInvalidation: nobodyTold } }, config), 0);
    }
  });
});
