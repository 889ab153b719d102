import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { after, describe, it } from "node:test";
import mysql from "mysql2/promise";
import { createClient } from "redis";
import { MYSQL_ROOT, REDIS_URL, freshDependencies } from "./helpers/server";

// The benchmark's own check, not a measurement: `npm run bench` with every phase cut to a second or so, to
// show that it still starts its servers, drives every row, counts the statements, floods and measures
// memory, and writes a report the README's table can be taken from. Speeds are never asserted here.
const ROOT = path.resolve(__dirname, "..", "..");
const ROWS = [
  "baseline (session read, logged in)",
  "me (logged in)",
  "baseline (session read, anonymous)",
  "me (anonymous)",
  "cart (5 lines)",
  "products(first: 20)",
  "addToCart",
  "raw argon2id verify",
  "login",
];

describe("npm run bench, in a short run", () => {
  const output = path.join(tmpdir(), `sessiongraph-bench-${process.pid}.json`);
  let database = "";
  let redisPrefix = "";
  after(async () => {
    rmSync(output, { force: true });
    if (!database) return;
    const conn = await mysql.createConnection(MYSQL_ROOT);
    for (const name of [database, `${database}_caches`]) await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    await conn.end();
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `${redisPrefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys);
    await redis.close();
  });

  it("measures every row against its baseline, counts statements, floods, checks memory and the caches' when full, and writes its report", { timeout: 300_000 }, async () => {
    const deps = await freshDependencies("bench");
    database = new URL(deps.databaseUrl).pathname.slice(1);
    redisPrefix = deps.redisPrefix;
    await promisify(execFile)(process.execPath, [path.join(ROOT, "dist", "bench", "run.js")], {
      cwd: ROOT,
      timeout: 280_000,
      env: {
        ...process.env,
        BENCH_DURATION_S: "1",
        BENCH_ROUNDS: "1",
        BENCH_WARMUP_S: "0.5",
        BENCH_LOGIN_WARMUP_S: "0.5",
        BENCH_PROBE_S: "1",
        BENCH_MEMORY_REQUESTS: "2000",
        BENCH_MYSQL_URL: MYSQL_ROOT,
        BENCH_REDIS_URL: REDIS_URL,
        BENCH_DATABASE: database,
        BENCH_REDIS_PREFIX: redisPrefix,
        BENCH_OUTPUT: output,
      },
    });
    const report = JSON.parse(readFileSync(output, "utf8"));

    assert.deepEqual(report.results.map((r: { name: string }) => r.name), ROWS);
    for (const row of report.results) {
      assert.ok(row.rps > 0 && row.p50 > 0 && row.p99 >= row.p50, `${row.name}: ${JSON.stringify(row)}`);
      assert.equal(row.failures, 0, row.name);
      if (row.baseline) {
        assert.ok(ROWS.includes(row.baseline) && row.ratio > 0 && row.target > 0, row.name);
      }
    }
    // MariaDB and Redis run on this machine, so their CPU per operation is read beside the API's.
    const addToCart = report.results.find((r: { name: string }) => r.name === "addToCart");
    assert.ok(addToCart.dbCpuUsPerOp > 0 && addToCart.redisCpuUsPerOp >= 0, JSON.stringify(addToCart));
    const statements = (name: string) => report.statementsPerOperation[name];
    // Constant in the rows: a line write, one statement; a cart of 1 or 5 lines and a page of 1, 20 or 100
    // products, at most one (the cart and catalog caches answer most of them from memory: none, when each TTL
    // sends one).
    assert.ok(Math.round(statements("addToCart").sql) === 1, `addToCart: ${JSON.stringify(statements("addToCart"))}`);
    for (const name of ["cart (1 line)", "cart (5 lines)", "products(first: 1)", "products(first: 20)", "products(first: 100)"]) {
      assert.ok(statements(name).sql < 1, `${name}: ${JSON.stringify(statements(name))}`);
    }
    assert.equal(statements("me (anonymous)").sql, 0);
    assert.equal(statements("me (anonymous)").redis, 0);
    assert.equal(statements("baseline (session read, logged in)").redis, 2);

    const { "queue-sized": fitting, overload } = report.floods;
    // Logins that wait too long are refused even in the flood the queue holds when this machine is busy
    // with other tests; whether they are is the benchmark's finding, not this check's.
    assert.ok(fitting.logins.statuses["200"] > 0, JSON.stringify(fitting.logins.statuses));
    assert.ok(Object.keys({ ...fitting.logins.statuses, ...overload.logins.statuses }).every((code) => ["200", "503"].includes(code)));
    assert.ok(fitting.idle.p99 > 0 && fitting.during.p99 > 0 && fitting.ratioP99 > 0);
    assert.ok(overload.logins.statuses["503"] > 0, JSON.stringify(overload.logins.statuses));

    assert.deepEqual(report.memory.requests, [200, 2000]);
    assert.ok(report.memory.peakRssMb.every((mb: number) => mb > 0));

    // Each cache filled to its default size (config.ts), and each entry takes memory.
    const { user, cart, catalog } = report.cacheMemory.caches;
    assert.deepEqual([user.entries, cart.entries, catalog.entries], [5000, 10000, 1000]);
    for (const c of [user, cart, catalog]) assert.ok(c.bytesPerEntry > 100 && c.totalMb > 0, JSON.stringify(c));
  });
});
