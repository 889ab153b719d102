import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { sessionTtlSeconds } from "../src/sessions/session-data";
import { TestClock } from "./helpers/clock";
import { login, me, registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

// The timeouts are decided by the server's session clock, which these tests move forward instead of sleeping.
describe("idle timeout", () => {
  let server: TestServer;
  const clock = new TestClock();
  before(async () => {
    server = await startTestServer("expiry_idle", { SESSION_IDLE_TIMEOUT_S: "2", SESSION_ABSOLUTE_TIMEOUT_S: "60" }, { clock: clock.now });
  });
  after(() => server?.close());

  it("keeps a session that is used more often than the idle timeout", async () => {
    const client = server.client();
    const user = await registerUser(client);
    for (let i = 0; i < 4; i++) {
      clock.advance(800);
      assert.equal((await me(client))?.id, user.id, `request ${i}`);
    }
  });

  it("ends a session left idle for longer than the timeout, whatever the cookie says", async () => {
    const client = server.client();
    const user = await registerUser(client);
    await login(client, user.email, undefined, true); // a 30-day cookie does not outlive the server's rule
    clock.advance(2300);
    assert.equal(await me(client), null);
  });
});

describe("absolute timeout", () => {
  let server: TestServer;
  const clock = new TestClock();
  before(async () => {
    server = await startTestServer("expiry_absolute", { SESSION_IDLE_TIMEOUT_S: "60", SESSION_ABSOLUTE_TIMEOUT_S: "3" }, { clock: clock.now });
  });
  after(() => server?.close());

  it("ends a session at its absolute lifetime even while it is in use", async () => {
    const client = server.client();
    const user = await registerUser(client);
    let lastSeen: string | null = user.id;
    const started = clock.now();
    while (clock.now() - started < 2500) {
      lastSeen = (await me(client))?.id ?? null;
      assert.equal(lastSeen, user.id);
      clock.advance(500);
    }
    clock.advance(3200 - (clock.now() - started));
    assert.equal(await me(client), null);
  });

  it("caps a rememberMe cookie at the absolute lifetime", async () => {
    const client = server.client();
    const user = await registerUser(client);
    const res = await login(client, user.email, undefined, true);
    const expires = /Expires=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
    assert.ok(expires);
    assert.ok(Date.parse(expires) - Date.now() <= 3000);
  });
});

// These read the TTL Redis counts down in real time, so they wait in real time.
describe("the store's expiry", () => {
  let server: TestServer;
  before(async () => {
    // lastSeenAt is written at most every idle/4 = 2 s here, which leaves a loaded machine some slack.
    server = await startTestServer("expiry_store", { SESSION_IDLE_TIMEOUT_S: "8", SESSION_ABSOLUTE_TIMEOUT_S: "60" });
  });
  after(() => server?.close());

  const sessionKeyTtlMs = async () => {
    const redis = server.services.sessions.redis!;
    const keys = await redis.keys(`${server.config.redis!.keyPrefix}sess:*`);
    assert.equal(keys.length, 1);
    return redis.pTTL(keys[0]);
  };

  it("is the session's end by the rules, and a request that changes nothing does not move it", async () => {
    const client = server.client();
    await registerUser(client);
    const before = await sessionKeyTtlMs();
    assert.ok(before > 5000 && before <= 8000, `ttl ${before}`);
    await sleep(400);
    assert.notEqual(await me(client), null);
    // A touch would have set it back to 8 s; the session still ends 8 s after it was last seen.
    const after = await sessionKeyTtlMs();
    assert.ok(after <= before - 300, `ttl ${before} then ${after}`);
  });

  it("moves with lastSeenAt, so a session in use stays", async () => {
    const redis = server.services.sessions.redis!;
    await redis.del(await redis.keys(`${server.config.redis!.keyPrefix}sess:*`)); // the first test's session
    const client = server.client();
    await registerUser(client);
    await sleep(2300);
    const before = await sessionKeyTtlMs();
    assert.notEqual(await me(client), null);
    const after = await sessionKeyTtlMs();
    assert.ok(after > before + 1500 && after <= 8000, `ttl ${before} then ${after}`);
  });
});

describe("sessionTtlSeconds", () => {
  const t = { idleTimeoutS: 60, absoluteTimeoutS: 600 };
  const now = 1_000_000_000;
  it("counts the idle timeout from lastSeenAt", () => {
    assert.equal(sessionTtlSeconds({ createdAt: now - 100_000, lastSeenAt: now - 10_000 }, t, now), 50);
    assert.equal(sessionTtlSeconds({ createdAt: now - 100_000, lastSeenAt: now - 9_500 }, t, now), 51); // rounded up
  });
  it("is cut short by the absolute lifetime, and is never negative", () => {
    assert.equal(sessionTtlSeconds({ createdAt: now - 590_000, lastSeenAt: now }, t, now), 10);
    assert.equal(sessionTtlSeconds({ createdAt: now - 100_000, lastSeenAt: now - 70_000 }, t, now), 0);
    assert.equal(sessionTtlSeconds({ createdAt: now - 700_000, lastSeenAt: now }, t, now), 0);
  });
  it("starts from createdAt, or from now for a session not yet made", () => {
    assert.equal(sessionTtlSeconds({ createdAt: now - 5_000 }, t, now), 55);
    assert.equal(sessionTtlSeconds(undefined, t, now), 60);
  });
});
