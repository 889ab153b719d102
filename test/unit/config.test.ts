import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { ConfigError, loadConfig } from "../../src/config";
import { PRODUCTION_MAIL_ENV } from "../helpers/production-env";

const SECRET = "a-session-secret-of-at-least-32-characters";
const TWO_FACTOR_KEY = Buffer.alloc(32, 1).toString("base64");
const PRODUCTION = {
  NODE_ENV: "production",
  DATABASE_URL: "mysql://app:pw@127.0.0.1:3306/shop",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  SESSION_SECRET: SECRET,
  TWO_FACTOR_KEY,
  ...PRODUCTION_MAIL_ENV,
};

function refusal(env: Record<string, string | undefined>): string {
  try {
    loadConfig(env);
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.message;
  }
  assert.fail("the configuration was accepted");
}

describe("loadConfig", () => {
  it("runs on the embedded defaults in development, with the contract's limits", () => {
    const config = loadConfig({});
    assert.equal(config.env, "development");
    assert.deepEqual(config.database, { kind: "sqlite", path: "./data/sessiongraph.sqlite" });
    assert.equal(config.redis, null);
    assert.equal(config.port, 4000);
    assert.deepEqual(
      { ...config.limits, hashConcurrency: undefined, hashQueue: undefined, hashNice: undefined },
      {
        loginFailuresPerAccount: 10, loginAttemptsPerIp: 100, anonSessionsPerIp: 300, windowS: 900,
        maxDepth: 10, maxAliases: 15, maxTokens: 2000, maxCost: 5000, maxBodyBytes: 65536,
        hashConcurrency: undefined, hashQueue: undefined, hashNice: undefined,
      },
    );
    assert.equal(config.session.idleTimeoutS, 7200);
    assert.equal(config.session.absoluteTimeoutS, 2592000);
  });

  it("takes every limit from its variable", () => {
    const { limits } = loadConfig({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: "5", LOGIN_MAX_ATTEMPTS_PER_IP: "50", RATE_LIMIT_WINDOW_S: "60",
      GRAPHQL_MAX_DEPTH: "7", GRAPHQL_MAX_ALIASES: "3", GRAPHQL_MAX_TOKENS: "500", GRAPHQL_MAX_COST: "900", GRAPHQL_MAX_BODY_BYTES: "4096",
    });
    assert.deepEqual(
      [limits.loginFailuresPerAccount, limits.loginAttemptsPerIp, limits.windowS, limits.maxDepth, limits.maxAliases, limits.maxTokens, limits.maxCost, limits.maxBodyBytes],
      [5, 50, 60, 7, 3, 500, 900, 4096],
    );
  });

  it("runs password hashes at nice 10 unless PASSWORD_HASH_NICE (0..19) says otherwise", () => {
    assert.equal(loadConfig({}).limits.hashNice, 10);
    assert.equal(loadConfig({ PASSWORD_HASH_NICE: "0" }).limits.hashNice, 0);
    assert.match(refusal({ PASSWORD_HASH_NICE: "20" }), /PASSWORD_HASH_NICE/);
  });

  it("accepts a complete production configuration: secure cookies, no playground, listening on all interfaces", () => {
    const config = loadConfig(PRODUCTION);
    assert.equal(config.isProduction, true);
    assert.equal(config.session.secureCookie, true);
    assert.equal(config.playground, false);
    assert.equal(config.host, "0.0.0.0");
  });

  for (const variable of ["DATABASE_URL", "REDIS_URL", "SESSION_SECRET", "TWO_FACTOR_KEY", "SMTP_URL", "MAIL_FROM", "PASSWORD_RESET_URL", "EMAIL_VERIFICATION_URL"]) {
    it(`refuses production without ${variable}, naming it`, () => {
      const env: Record<string, string> = { ...PRODUCTION };
      delete env[variable];
      assert.match(refusal(env), new RegExp(variable));
    });
  }

  it("refuses a session secret under 32 characters, also as one of several being rotated", () => {
    assert.match(refusal({ ...PRODUCTION, SESSION_SECRET: "short" }), /SESSION_SECRET must be at least 32 characters/);
    assert.match(refusal({ ...PRODUCTION, SESSION_SECRET: `${SECRET},short` }), /SESSION_SECRET/);
  });

  it("caches users for 60 s, up to 5000 of them, unless USER_CACHE_TTL_S (0 turns it off) and USER_CACHE_MAX_ENTRIES say otherwise", () => {
    assert.deepEqual(loadConfig({}).userCache, { ttlS: 60, maxEntries: 5000 });
    assert.deepEqual(loadConfig({ USER_CACHE_TTL_S: "0", USER_CACHE_MAX_ENTRIES: "10" }).userCache, { ttlS: 0, maxEntries: 10 });
    assert.match(refusal({ USER_CACHE_TTL_S: "-1" }), /USER_CACHE_TTL_S/);
    assert.match(refusal({ USER_CACHE_MAX_ENTRIES: "0" }), /USER_CACHE_MAX_ENTRIES/);
  });

  it("caches catalog answers for 1 s, up to 1000 of them, unless CATALOG_CACHE_TTL_MS (0 turns it off) and CATALOG_CACHE_MAX_ENTRIES say otherwise", () => {
    assert.deepEqual(loadConfig({}).catalogCache, { ttlMs: 1000, maxEntries: 1000 });
    assert.deepEqual(loadConfig({ CATALOG_CACHE_TTL_MS: "0", CATALOG_CACHE_MAX_ENTRIES: "10" }).catalogCache, { ttlMs: 0, maxEntries: 10 });
    assert.match(refusal({ CATALOG_CACHE_TTL_MS: "-1" }), /CATALOG_CACHE_TTL_MS/);
    assert.match(refusal({ CATALOG_CACHE_MAX_ENTRIES: "0" }), /CATALOG_CACHE_MAX_ENTRIES/);
  });

  it("caches carts for 60 s, up to 10000 of them, unless CART_CACHE_TTL_MS (0 turns it off) and CART_CACHE_MAX_ENTRIES say otherwise", () => {
    assert.deepEqual(loadConfig({}).cartCache, { ttlMs: 60_000, maxEntries: 10_000 });
    assert.deepEqual(loadConfig({ CART_CACHE_TTL_MS: "0", CART_CACHE_MAX_ENTRIES: "10" }).cartCache, { ttlMs: 0, maxEntries: 10 });
    assert.match(refusal({ CART_CACHE_TTL_MS: "-1" }), /CART_CACHE_TTL_MS/);
    assert.match(refusal({ CART_CACHE_MAX_ENTRIES: "0" }), /CART_CACHE_MAX_ENTRIES/);
  });

  it("names the variable of a value that is not a number or out of range", () => {
    assert.match(refusal({ LOGIN_MAX_ATTEMPTS_PER_IP: "many" }), /LOGIN_MAX_ATTEMPTS_PER_IP/);
    assert.match(refusal({ LOGIN_MAX_FAILURES_PER_ACCOUNT: "0" }), /LOGIN_MAX_FAILURES_PER_ACCOUNT/);
    assert.match(refusal({ GRAPHQL_MAX_BODY_BYTES: "100" }), /GRAPHQL_MAX_BODY_BYTES/);
    assert.match(refusal({ DATABASE_URL: "postgres://x@y/z" }), /DATABASE_URL/);
  });

  it("refuses a CORS wildcard or an origin with a path, since credentials are allowed", () => {
    assert.match(refusal({ CORS_ORIGINS: "*" }), /CORS_ORIGINS/);
    assert.match(refusal({ CORS_ORIGINS: "https://shop.example/" }), /CORS_ORIGINS.*https:\/\/shop\.example\//);
    assert.deepEqual(loadConfig({ CORS_ORIGINS: "https://shop.example, http://localhost:5173" }).corsOrigins, [
      "https://shop.example",
      "http://localhost:5173",
    ]);
  });

  it("takes Redis from REDIS_URL, REDIS_SENTINELS with REDIS_SENTINEL_MASTER, or REDIS_CLUSTER_NODES, with their credentials", () => {
    assert.deepEqual(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379/0" }).redis?.topology, { kind: "single", url: "redis://127.0.0.1:6379/0" });
    const sentinel = loadConfig({
      REDIS_SENTINELS: "s1:26379, s2:26380", REDIS_SENTINEL_MASTER: "shop", REDIS_PASSWORD: "pw", REDIS_USERNAME: "app",
      REDIS_SENTINEL_PASSWORD: "spw", REDIS_TLS: "true", REDIS_REPLICA_ACK_TIMEOUT_MS: "250",
    }).redis!;
    assert.deepEqual(sentinel.topology, { kind: "sentinel", masterName: "shop", sentinels: [{ host: "s1", port: 26379 }, { host: "s2", port: 26380 }] });
    assert.deepEqual([sentinel.username, sentinel.password, sentinel.tls, sentinel.sentinelAuth, sentinel.replicaAckTimeoutMs], ["app", "pw", true, { username: undefined, password: "spw" }, 250]);
    const cluster = loadConfig({ REDIS_CLUSTER_NODES: "10.0.0.1:7000,10.0.0.2:7000" }).redis!;
    assert.deepEqual(cluster.topology, { kind: "cluster", nodes: [{ host: "10.0.0.1", port: 7000 }, { host: "10.0.0.2", port: 7000 }] });
    assert.equal(cluster.replicaAckTimeoutMs, 500);
    assert.equal(loadConfig({ ...PRODUCTION, REDIS_URL: undefined, REDIS_CLUSTER_NODES: "10.0.0.1:7000" }).redis?.topology.kind, "cluster");
  });

  it("refuses Redis settings that contradict or miss each other, naming them", () => {
    assert.match(refusal({ REDIS_URL: "redis://r:6379", REDIS_CLUSTER_NODES: "c:7000" }), /one of REDIS_URL, REDIS_CLUSTER_NODES/);
    assert.match(refusal({ REDIS_SENTINELS: "s:26379" }), /REDIS_SENTINELS needs REDIS_SENTINEL_MASTER/);
    assert.match(refusal({ REDIS_SENTINEL_MASTER: "shop" }), /REDIS_SENTINEL_MASTER needs REDIS_SENTINELS/);
    assert.match(refusal({ REDIS_CLUSTER_NODES: "c" }), /REDIS_CLUSTER_NODES.*host:port/);
    assert.match(refusal({ REDIS_SENTINELS: "s:26379,:1", REDIS_SENTINEL_MASTER: "m" }), /REDIS_SENTINELS/);
    assert.match(refusal({ REDIS_URL: "redis://r:6379", REDIS_PASSWORD: "pw" }), /REDIS_PASSWORD: put these in REDIS_URL/);
    assert.match(refusal({ REDIS_URL: "redis://r:6379", REDIS_TLS: "true" }), /REDIS_TLS: put these in REDIS_URL/);
    assert.match(refusal({ REDIS_PASSWORD: "pw" }), /REDIS_PASSWORD set without REDIS_SENTINELS or REDIS_CLUSTER_NODES/);
    assert.match(refusal({ REDIS_CLUSTER_NODES: "c:7000", REDIS_USERNAME: "app" }), /REDIS_USERNAME needs REDIS_PASSWORD/);
    assert.match(refusal({ REDIS_CLUSTER_NODES: "c:7000", REDIS_SENTINEL_PASSWORD: "x" }), /REDIS_SENTINEL_PASSWORD needs REDIS_SENTINELS/);
    assert.match(refusal({ REDIS_SENTINELS: "s:1", REDIS_SENTINEL_MASTER: "m", REDIS_SENTINEL_USERNAME: "u" }), /REDIS_SENTINEL_USERNAME needs REDIS_SENTINEL_PASSWORD/);
    assert.match(refusal({ REDIS_CLUSTER_NODES: "c:7000", REDIS_REPLICA_ACK_TIMEOUT_MS: "0" }), /REDIS_REPLICA_ACK_TIMEOUT_MS/);
    assert.match(refusal({ ...PRODUCTION, REDIS_URL: undefined }), /REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES/);
  });

  it("reads the Redis TLS files with TLS only, a client certificate with its key", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sg-config-tls-"));
    try {
      const pem = (name: string) => {
        writeFileSync(path.join(dir, name), `-----BEGIN ${name}-----\nAAAA\n-----END ${name}-----\n`);
        return path.join(dir, name);
      };
      const [caFile, certFile, keyFile] = [pem("CA"), pem("CERT"), pem("KEY")];
      const single = loadConfig({ REDIS_URL: "rediss://r:6380/0", REDIS_TLS_CA_FILE: caFile }).redis!;
      assert.equal(single.tls, true); // from the scheme
      assert.match(single.tlsFiles.ca!, /BEGIN CA/);
      assert.equal(loadConfig({ REDIS_URL: "redis://r:6379/0" }).redis!.tls, false);
      const cluster = loadConfig({ REDIS_CLUSTER_NODES: "c:7000", REDIS_TLS: "true", REDIS_TLS_CERT_FILE: certFile, REDIS_TLS_KEY_FILE: keyFile }).redis!;
      assert.deepEqual([cluster.tls, cluster.tlsFiles.ca, /BEGIN CERT/.test(cluster.tlsFiles.cert!), /BEGIN KEY/.test(cluster.tlsFiles.key!)], [true, undefined, true, true]);

      assert.match(refusal({ REDIS_URL: "redis://r:6379", REDIS_TLS_CA_FILE: caFile }), /REDIS_TLS_CA_FILE: set without TLS \(rediss:\/\/ in REDIS_URL, or REDIS_TLS=true\)/);
      assert.match(refusal({ REDIS_CLUSTER_NODES: "c:7000", REDIS_TLS_CERT_FILE: certFile, REDIS_TLS_KEY_FILE: keyFile }), /REDIS_TLS_CERT_FILE, REDIS_TLS_KEY_FILE: set without TLS/);
      assert.match(refusal({ REDIS_URL: "rediss://r:6380", REDIS_TLS_CERT_FILE: certFile }), /REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE must be set together/);
      assert.match(refusal({ REDIS_URL: "rediss://r:6380", REDIS_TLS_KEY_FILE: keyFile }), /REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE must be set together/);
      assert.match(refusal({ REDIS_URL: "rediss://r:6380", REDIS_TLS_CA_FILE: path.join(dir, "none") }), /REDIS_TLS_CA_FILE: cannot read .*none \(ENOENT\)/);
      writeFileSync(path.join(dir, "empty"), "");
      assert.match(refusal({ REDIS_URL: "rediss://r:6380", REDIS_TLS_CA_FILE: path.join(dir, "empty") }), /REDIS_TLS_CA_FILE: .*empty holds no PEM block/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads TWO_FACTOR_KEY as base64 keys of 32 bytes, the first encrypting, and refuses anything else", () => {
    const second = Buffer.alloc(32, 2).toString("base64");
    assert.deepEqual(loadConfig({ TWO_FACTOR_KEY: `${TWO_FACTOR_KEY}, ${second}` }).twoFactor.keys, [Buffer.alloc(32, 1), Buffer.alloc(32, 2)]);
    assert.deepEqual(loadConfig({}).twoFactor.keys, []); // outside production: a random key per process (keys.ts)
    for (const bad of [Buffer.alloc(16, 1).toString("base64"), "not base64 at all!", `${TWO_FACTOR_KEY},${Buffer.alloc(31).toString("base64")}`]) {
      assert.match(refusal({ TWO_FACTOR_KEY: bad }), /TWO_FACTOR_KEY must list base64 keys of exactly 32 bytes/);
    }
    assert.equal(loadConfig({}).twoFactor.pendingLoginS, 300);
    assert.equal(loadConfig({}).securityLog.retentionDays, 365);
    assert.match(refusal({ SECURITY_LOG_RETENTION_DAYS: "0" }), /SECURITY_LOG_RETENTION_DAYS/);
  });

  it("reads TRUST_PROXY as Express does: a boolean, a hop count, or addresses", () => {
    assert.equal(loadConfig({}).trustProxy, false);
    assert.equal(loadConfig({ TRUST_PROXY: "true" }).trustProxy, true);
    assert.equal(loadConfig({ TRUST_PROXY: "1" }).trustProxy, 1);
    assert.equal(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8" }).trustProxy, "loopback, 10.0.0.0/8");
  });
});
