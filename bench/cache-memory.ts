/**
 * What the instance's caches hold in memory, filled to their default sizes with rows shaped like a shop's:
 * the heap a full collection leaves, before and after each cache is filled, on an API started in this
 * process on MySQL and Redis. Run by `npm run bench` (BENCH_SKIP=caches leaves it out) in a process of its
 * own started with --expose-gc; prints one JSON line.
 */
import "reflect-metadata";
import { randomBytes } from "node:crypto";
import mysql from "mysql2/promise";
import { createClient } from "redis";
import { loadConfig } from "../src/config";
import { startServer } from "../src/server";
import { User } from "../src/entities/user.entity";
import { readCart } from "../src/cart/cart";
import type { Context } from "../src/context";
import { BENCH_HEADERS } from "./fixtures";

const env = process.env;
const MYSQL_ROOT = env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
const REDIS_URL = env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0";
const DATABASE = `${env.BENCH_DATABASE ?? "sg_bench"}_caches`;
const PREFIX = `${env.BENCH_REDIS_PREFIX ?? "sg_bench:"}caches:`;
const LINES_PER_CART = 5;
const PAGE_SIZE = 20;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

/** The heap a full collection leaves, in bytes (twice: the first may leave what only the second frees). */
function heapAfterGc(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

// A shop's text, not the bench's short fixtures: a product name of 30 characters and a description of 300.
const sentence = (i: number, length: number) => `Item ${i}: `.concat("loose-leaf tea, single estate, ".repeat(20)).slice(0, length);

async function freshDatabase(): Promise<void> {
  const conn = await mysql.createConnection(MYSQL_ROOT);
  await conn.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await conn.query(`CREATE DATABASE \`${DATABASE}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
  await redis.close();
}

/** Rows written by plain SQL, many to a statement: the API's own paths are not what is measured here. */
async function seed(users: number, products: number): Promise<void> {
  const conn = await mysql.createConnection(`${MYSQL_ROOT}/${DATABASE}`);
  const now = new Date();
  const insert = async (table: string, columns: string[], rows: unknown[][]) => {
    for (let i = 0; i < rows.length; i += 1000) {
      await conn.query(`INSERT INTO ${table} (${columns.join(", ")}) VALUES ?`, [rows.slice(i, i + 1000)]);
    }
  };
  await insert("products", ["sku", "name", "description", "price_cents", "stock", "active", "created_at", "updated_at"],
    Array.from({ length: products }, (_, i) => [`TEA-${i}`, sentence(i, 30), sentence(i, 300), 450 + i, 1000, 1, now, now]));
  await insert("users", ["email", "name", "role", "password_hash", "created_at", "updated_at", "email_verified"],
    Array.from({ length: users }, (_, i) => [`shopper-${i}@example.test`, `Shopper Number ${i}`, "USER", "$argon2id$v=19$m=19456,t=2,p=1$" + "x".repeat(66), now, now, 1]));
  const ids = async (table: string) => ((await conn.query(`SELECT id FROM ${table} ORDER BY id`)) as unknown as [Array<{ id: number }>])[0].map((row: { id: number }) => Number(row.id));
  await insert("carts", ["user_id", "created_at", "updated_at"], (await ids("users")).map((id) => [id, now, now]));
  const [cartIds, productIds] = [await ids("carts"), await ids("products")];
  await insert("cart_lines", ["cart_id", "product_id", "quantity", "created_at"],
    cartIds.flatMap((cart, c) => Array.from({ length: LINES_PER_CART }, (_, l) => [cart, productIds[(c * LINES_PER_CART + l) % productIds.length], 1 + (l % 3), now])));
  await conn.end();
}

async function main(): Promise<void> {
  await freshDatabase();
  const config = loadConfig({
    NODE_ENV: "development",
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `${MYSQL_ROOT}/${DATABASE}`,
    REDIS_URL,
    REDIS_KEY_PREFIX: PREFIX,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    TWO_FACTOR_KEY: randomBytes(32).toString("base64"),
    METRICS_PORT: "0",
    LOG_LEVEL: "warn",
    MAIL_POLL_INTERVAL_MS: "3600000",
  });
  const users = config.userCache.maxEntries;
  const carts = config.cartCache.maxEntries;
  const pages = config.catalogCache.maxEntries;
  const server = await startServer(config);
  try {
    await seed(Math.max(users, carts), pages + PAGE_SIZE);
    const { services } = server;
    const userIds = (await services.orm.em.fork().getConnection().execute<Array<{ id: number }>>("SELECT id FROM users ORDER BY id")).map((row: { id: number }) => Number(row.id));

    const results: Record<string, { entries: number; bytesPerEntry: number; totalMb: number }> = {};
    const measure = async (name: string, size: () => number, fill: () => Promise<void>) => {
      const before = heapAfterGc();
      await fill();
      const entries = size();
      const bytes = heapAfterGc() - before;
      results[name] = { entries, bytesPerEntry: Math.round(bytes / entries), totalMb: Math.round((bytes / 1048576) * 10) / 10 };
    };

    // The user cache as a logged-in request fills it: the row, and the view `me` reads.
    await measure("user", () => services.userCache.size, async () => {
      for (const id of userIds.slice(0, users)) {
        const user = await services.userCache.read(id, () => services.orm.em.fork().getRepository(User).requestRow(id));
        void user!.view;
      }
    });

    // The cart cache as `cart` fills it (readCart), each cart of LINES_PER_CART lines.
    await measure("cart", () => services.cartCache.size, async () => {
      for (const id of userIds.slice(0, carts)) {
        const ctx = { em: services.orm.em.fork(), services, viewer: { id }, session: {} } as unknown as Context;
        await readCart(ctx);
      }
    });

    // The catalog cache as visitors fill it over HTTP: `products(first: 20, after: ...)`, each page kept both
    // as records and as its whole answer; emptied first of the listing that found the cursors.
    const cursors: string[] = [];
    for (let after: string | null = null; cursors.length < pages; ) {
      const answer = await graphql(server.url, `query($after: String) { products(first: 100, after: $after) { edges { cursor } pageInfo { endCursor } } }`, { after });
      cursors.push(...answer.products.edges.map((edge: { cursor: string }) => edge.cursor));
      after = answer.products.pageInfo.endCursor;
    }
    const PAGE = `query($after: String) { products(first: ${PAGE_SIZE}, after: $after) { edges { cursor node { id sku name description priceCents stock active } } totalCount pageInfo { hasNextPage endCursor } } }`;
    await graphql(server.url, PAGE, { after: null }); // the operation's first request prepares its fast path, which keeps answers
    services.catalogCache.dropAll();
    await measure("catalog", () => services.catalogCache.size, async () => {
      for (const after of cursors.slice(0, pages / 2)) await graphql(server.url, PAGE, { after });
    });
    console.log(JSON.stringify({ linesPerCart: LINES_PER_CART, pageSize: PAGE_SIZE, caches: results }));
  } finally {
    await server.close();
  }
}

async function graphql(origin: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${origin}/graphql`, { method: "POST", headers: BENCH_HEADERS, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: unknown; errors?: unknown };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

main().catch((err) => {
  console.error(String(err?.message ?? err).slice(0, 500));
  process.exit(1);
});
