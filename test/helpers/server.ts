import "reflect-metadata";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "redis";
import mysql from "mysql2/promise";
import { DROP_ALL, invalidationChannel } from "../../src/cache/invalidation";
import { MAX_ROW_ID } from "../../src/entities/ids";
import { withTimeout } from "../../src/timeout";
import { loadConfig, type Config } from "../../src/config";
import { startServer, type RunningServer, type ServerExtensions } from "../../src/server";
import { TestClient } from "./client";

export const MYSQL_ROOT = process.env.TEST_MYSQL_URL ?? "mysql://root@127.0.0.1:3306";
export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/0";
// Lets several checkouts run their suites side by side against the same MySQL and Redis.
const NAMESPACE = (process.env.SG_TEST_NAMESPACE ?? "sg_test").replace(/\W/g, "_");
export const TEST_SECRET = "test-secret-that-is-long-enough-0123456789";
// A fixed TOTP-secret key for tests only, so instances started by one test share it (production has its own).
export const TEST_TWO_FACTOR_KEY = Buffer.alloc(32, 7).toString("base64");
export { PRODUCTION_MAIL_ENV } from "./production-env";
/**
 * For tests that count every SQL statement a server sends: its mail sender (which polls the outbox every
 * MAIL_POLL_INTERVAL_MS) does not run while they do.
 */
export const QUIET_MAIL_SENDER = { MAIL_POLL_INTERVAL_MS: "3600000" };
// Every test client comes from 127.0.0.1, so the per-IP login limit is lifted unless a test sets it; and
// no metrics port unless a test asks for one (the default, 9464, would be shared by every server).
const TEST_LIMITS = { LOGIN_MAX_ATTEMPTS_PER_IP: "100000", METRICS_PORT: "0" };

export interface TestServer extends RunningServer {
  config: Config;
  client(headers?: Record<string, string>): TestClient;
  /** SQL for inspecting state directly (MySQL tests only). */
  sql<T = any>(query: string, params?: unknown[]): Promise<T[]>;
}

/** Each test file gets its own MySQL database and Redis key prefix, created fresh. */
export async function freshDependencies(name: string): Promise<{ databaseUrl: string; redisPrefix: string }> {
  const db = `${NAMESPACE}_${name.replace(/\W/g, "_")}`;
  const conn = await mysql.createConnection(MYSQL_ROOT);
  await conn.query(`DROP DATABASE IF EXISTS \`${db}\``);
  await conn.query(`CREATE DATABASE \`${db}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const redisPrefix = `${NAMESPACE}:${name}:`;
  const redis = createClient({ url: REDIS_URL });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${redisPrefix}*`, COUNT: 500 })) {
    if (keys.length) await redis.del(keys);
  }
  await redis.close();
  return { databaseUrl: `${MYSQL_ROOT}/${db}`, redisPrefix };
}

export async function startTestServer(name: string, env: Record<string, string> = {}, extensions: ServerExtensions = {}): Promise<TestServer> {
  return startTestServerOn(await freshDependencies(name), env, extensions);
}

/** An in-process server on dependencies that freshDependencies made, e.g. shared with another instance. */
export async function startTestServerOn(
  { databaseUrl, redisPrefix }: { databaseUrl: string; redisPrefix: string },
  env: Record<string, string> = {},
  extensions: ServerExtensions = {},
): Promise<TestServer> {
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    DATABASE_URL: databaseUrl,
    // The shared Redis, unless the test brings a Sentinel group or a Cluster of its own.
    ...(env.REDIS_SENTINELS || env.REDIS_CLUSTER_NODES ? {} : { REDIS_URL }),
    REDIS_KEY_PREFIX: redisPrefix,
    SESSION_SECRET: TEST_SECRET,
    TWO_FACTOR_KEY: TEST_TWO_FACTOR_KEY,
    ...TEST_LIMITS,
    ...env,
  });
  const server = await startServer(config, {}, extensions);
  const pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 2 });
  return {
    ...server,
    config,
    client: (headers) => new TestClient(server.url, headers),
    sql: async (query, params) => (await pool.query(query, params))[0] as any,
    close: async () => {
      await server.close();
      await pool.end();
    },
  };
}

/**
 * What an operator does after changing users in SQL by hand (README, "user cache"): every instance on
 * this Redis prefix drops the users it cached; `server` has acted on it when this returns.
 */
export async function flushUserCaches(server: TestServer): Promise<void> {
  await server.services.sessions.redis!.publish(invalidationChannel(server.config.redis!.keyPrefix), DROP_ALL);
  await invalidationsDelivered(server);
}

// A user id that names no row: every user cache understands it and drops nothing, so it empties no cache.
const SYNC_MESSAGE = String(MAX_ROW_ID);
const syncWaiters = new WeakMap<TestServer, Array<() => void>>();

/**
 * Waits until every invalidation published so far (by any instance on this prefix) has reached the caches of
 * `servers`. A write's message is in Redis when the write returns, but another instance reads it from its
 * subscriber a little later; a page read in that window is stored, then dropped. Redis hands a channel's
 * messages to a subscriber in the order it took them, so once a marker published now arrives, so has
 * everything published before it. Nothing to wait for on a server that hears no channel: the embedded store
 * acts on its messages as they are published, and a server whose subscriber is down hears nothing.
 */
export async function invalidationsDelivered(...servers: TestServer[]): Promise<void> {
  servers = servers.filter((server) => server.config.redis && server.services.invalidation.isListening());
  if (servers.length === 0) return;
  const arrivals = servers.map((server) => {
    let waiters = syncWaiters.get(server);
    if (!waiters) {
      const registered: Array<() => void> = (waiters = []);
      syncWaiters.set(server, registered);
      server.services.invalidation.register({
        receive: (message) => {
          if (message === SYNC_MESSAGE) registered.splice(0).forEach((arrived) => arrived());
          return false;
        },
        dropAll: () => undefined,
      });
    }
    return new Promise<void>((resolve) => waiters.push(resolve));
  });
  const publisher = servers[0].services.sessions.redis!;
  await publisher.publish(invalidationChannel(servers[0].config.redis!.keyPrefix), SYNC_MESSAGE);
  await withTimeout(Promise.all(arrivals), 5000);
}

/** The embedded defaults: a SQLite file in a temp folder and the in-process session store. */
export async function startEmbeddedServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "sessiongraph-"));
  const config = loadConfig({ NODE_ENV: "test", PORT: "0", SQLITE_PATH: path.join(dir, "db.sqlite"), ...TEST_LIMITS, ...env });
  const server = await startServer(config);
  return {
    ...server,
    config,
    client: (headers) => new TestClient(server.url, headers),
    sql: async () => {
      throw new Error("sql() is for MySQL tests");
    },
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The environment of a server process of its own (spawned) on fresh dependencies named `name`. */
export async function processEnv(name: string, env: Record<string, string> = {}): Promise<Record<string, string>> {
  const { databaseUrl, redisPrefix } = await freshDependencies(name);
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_KEY_PREFIX: redisPrefix,
    SESSION_SECRET: TEST_SECRET,
    TWO_FACTOR_KEY: TEST_TWO_FACTOR_KEY,
    ...env,
  };
}
