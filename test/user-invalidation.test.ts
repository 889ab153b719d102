import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, afterEach, before, describe, it, mock } from "node:test";
import pino from "pino";
import { createClient, type RedisClientType } from "redis";
import { UserCache, type UserRow } from "../src/user-cache/user-cache";
import { DROP_ALL, invalidationChannel } from "../src/cache/invalidation";
import { RedisInvalidation } from "../src/cache/redis-invalidation";
import { userInvalidation } from "../src/user-cache/user-invalidation";
import { OwnRedis } from "./helpers/redis-server";
import { REDIS_URL } from "./helpers/server";
import { until } from "./helpers/until";

const NAMESPACE = (process.env.SG_TEST_NAMESPACE ?? "sg_test").replace(/\W/g, "_");
const row = (id: number): UserRow => ({ id, name: `User ${id}` });

/** A logger whose lines the test can read. */
function capturedLog() {
  const lines: Array<Record<string, any>> = [];
  const log = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { log, messages: () => lines.map((line) => line.msg as string) };
}

const fastReconnect = { reconnectStrategy: () => 50, connectTimeout: 1000 };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function client(url: string): Promise<RedisClientType> {
  const redis = createClient({ url, disableOfflineQueue: true, socket: fastReconnect }) as RedisClientType;
  redis.on("error", () => undefined);
  await redis.connect();
  cleanups.push(async () => (redis.isReady ? redis.close() : redis.destroy()));
  return redis;
}

/** One API instance's user cache and invalidation, on its own Redis connections. */
async function instance(options: { url?: string; prefix: string; redis?: RedisClientType; retryForMs?: number; retryEveryMs?: number }) {
  const redis = options.redis ?? (await client(options.url ?? REDIS_URL));
  const { log, messages } = capturedLog();
  let channel: RedisInvalidation | undefined;
  const cache = new UserCache({ ttlMs: 60_000, maxEntries: 100, isListening: () => channel?.isListening() ?? false });
  channel = await RedisInvalidation.start({
    redis, keyPrefix: options.prefix, log, timeoutMs: 300, retryForMs: options.retryForMs ?? 60_000, retryEveryMs: options.retryEveryMs ?? 20,
  });
  cleanups.push(() => channel!.close());
  const invalidation = { ...userInvalidation(cache, channel), isListening: () => channel!.isListening() };
  const fill = (id: number) => cache.read(id, async () => row(id));
  return { cache, invalidation, fill, messages };
}

/** A connection subscribed to the channel, recording what it hears. */
async function listener(url: string, prefix: string) {
  const heard: string[] = [];
  const redis = await client(url);
  const subscriber = redis.duplicate();
  subscriber.on("error", () => undefined);
  await subscriber.connect();
  await subscriber.subscribe(invalidationChannel(prefix), (message) => heard.push(message));
  cleanups.push(async () => subscriber.destroy());
  return { heard, publish: (message: string) => redis.publish(invalidationChannel(prefix), message) };
}

/** The API's Redis client, except that PUBLISH fails while `failing()` says so. */
function failingPublish(redis: RedisClientType, failing: () => boolean) {
  let calls = 0;
  const proxy = new Proxy(redis, {
    get(target, prop) {
      if (prop === "publish") {
        return (...args: [string, string]) => {
          calls++;
          return failing() ? Promise.reject(new Error("PUBLISH refused by the test")) : target.publish(...args);
        };
      }
      const value = Reflect.get(target, prop);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { redis: proxy, calls: () => calls };
}

const uniquePrefix = () => `${NAMESPACE}:user_invalidation:${randomBytes(4).toString("hex")}:`;

describe("user cache invalidation over Redis", () => {
  it("an invalidation published by one instance drops the row there at once and on the others when it arrives", async () => {
    const prefix = uniquePrefix();
    const [a, b] = [await instance({ prefix }), await instance({ prefix })];
    for (const side of [a, b]) {
      await side.fill(1);
      await side.fill(2);
    }
    await a.invalidation.invalidate(1);
    assert.equal(a.cache.has(1), false);
    await until("the other instance dropped user 1", () => !b.cache.has(1));
    assert.deepEqual([a.cache.has(2), b.cache.has(2)], [true, true]);
  });

  it("drops everything on DROP_ALL, the operator's message after changing users in SQL", async () => {
    const prefix = uniquePrefix();
    const a = await instance({ prefix });
    const outside = await listener(REDIS_URL, prefix);
    await a.fill(1);
    await a.fill(2);
    await outside.publish(DROP_ALL);
    await until("the cache is empty", () => a.cache.size === 0);
  });

  it("drops everything, and says so, on a message it does not understand", async () => {
    const prefix = uniquePrefix();
    const a = await instance({ prefix });
    const outside = await listener(REDIS_URL, prefix);
    await a.fill(1);
    await outside.publish("user 1 please");
    await until("the cache is empty", () => a.cache.size === 0);
    assert.ok(a.messages().some((msg) => /unknown invalidation message/.test(msg)), a.messages().join("\n"));
  });

  it("a failed publish is logged, empties the local cache, and is owed to the others as one DROP_ALL until Redis takes it", async () => {
    const prefix = uniquePrefix();
    let refuse = true;
    const flaky = failingPublish(await client(REDIS_URL), () => refuse);
    const a = await instance({ prefix, redis: flaky.redis });
    const outside = await listener(REDIS_URL, prefix);
    await a.fill(1);
    await a.fill(2);
    await a.invalidation.invalidate(1); // resolves: the write has happened whatever becomes of the message
    assert.equal(a.cache.size, 0);
    assert.ok(a.messages().some((msg) => /could not publish an invalidation/.test(msg)), a.messages().join("\n"));
    await until("the publish was retried", () => flaky.calls() >= 3);
    assert.deepEqual(outside.heard, []);
    refuse = false;
    await until("the owed message arrived", () => outside.heard.length > 0);
    assert.deepEqual(outside.heard, [DROP_ALL]);
    await until("the retry is logged", () => a.messages().some((msg) => /published the invalidation owed/.test(msg)));
  });

  it("gives up the owed message once the TTL has passed, when every row cached before it has expired", async () => {
    const prefix = uniquePrefix();
    const flaky = failingPublish(await client(REDIS_URL), () => true);
    const a = await instance({ prefix, redis: flaky.redis, retryForMs: 50, retryEveryMs: 10 });
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      await a.invalidation.invalidate(1);
      const settle = () => new Promise((resolve) => setImmediate(resolve));
      for (let t = 0; t < 10; t++) {
        mock.timers.tick(10);
        await settle();
      }
      // The publish, then one try every 10 ms for 50 ms; then the debt has expired.
      assert.equal(flaky.calls(), 1 + 5);
    } finally {
      mock.timers.reset();
    }
  });
});

describe("user cache invalidation when Redis fails", () => {
  let redis: OwnRedis;
  before(async () => {
    redis = await OwnRedis.start();
  });
  after(async () => {
    redis?.resume();
    await redis?.stop();
  });

  it("bypasses the cache while the subscriber is disconnected, and empties it when it is back", async () => {
    const prefix = uniquePrefix();
    const a = await instance({ url: redis.url, prefix });
    await a.fill(1);
    assert.equal(a.cache.has(1), true);

    await redis.stop();
    await until("the subscriber noticed", () => !a.invalidation.isListening());
    assert.equal(a.cache.size, 0);
    let loads = 0;
    const load = async () => (loads++, row(1));
    await a.cache.read(1, load);
    await a.cache.read(1, load);
    assert.equal(loads, 2);
    assert.equal(a.cache.size, 0);
    assert.ok(a.messages().some((msg) => /invalidation channel failed/.test(msg)), a.messages().join("\n"));

    await redis.start();
    await until("the subscriber is back", () => a.invalidation.isListening());
    await a.cache.read(1, load);
    await a.cache.read(1, load);
    assert.equal(loads, 3);
    assert.ok(a.messages().some((msg) => /invalidation channel back/.test(msg)), a.messages().join("\n"));
  });

  it("a publish while Redis is down fails fast, is logged, and empties the local cache", async () => {
    const prefix = uniquePrefix();
    const a = await instance({ url: redis.url, prefix });
    await a.fill(1);
    await redis.stop();
    const started = performance.now();
    await a.invalidation.invalidate(2);
    assert.ok(performance.now() - started < 300, "did not wait for a timeout");
    assert.equal(a.cache.size, 0);
    assert.ok(a.messages().some((msg) => /could not publish/.test(msg)), a.messages().join("\n"));
    await redis.start();
  });

  it("a publish Redis does not answer counts as failed after the dependency timeout", async () => {
    const prefix = uniquePrefix();
    const a = await instance({ url: redis.url, prefix });
    await a.fill(1);
    redis.pause();
    try {
      const started = performance.now();
      await a.invalidation.invalidate(1);
      assert.ok(performance.now() - started >= 290, "waited for the timeout");
      assert.ok(a.messages().some((msg) => /could not publish/.test(msg)), a.messages().join("\n"));
    } finally {
      redis.resume();
    }
  });

  it("refuses to start when the subscription is refused, leaving no connection behind", async () => {
    const admin = await client(redis.url);
    const connections = async () => String(await admin.sendCommand(["CLIENT", "LIST"])).trim().split("\n").length;
    await until("only this connection is left from earlier tests", async () => (await connections()) === 1);
    await admin.sendCommand(["ACL", "SETUSER", "default", "-subscribe"]);
    try {
      await assert.rejects(instance({ redis: admin, prefix: uniquePrefix() }), /NOPERM/);
      await until("the refused subscriber is gone", async () => (await connections()) === 1);
    } finally {
      await admin.sendCommand(["ACL", "SETUSER", "default", "+subscribe"]);
    }
  });
});
