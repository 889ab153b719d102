import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { login, me, registerUser } from "./helpers/factories";
import { SentinelGroup } from "./helpers/redis-topologies";
import { startTestServer, type TestServer } from "./helpers/server";

// A master, one replica and three sentinels of the test's own; the API finds the master through them.
describe("Redis through Sentinel", () => {
  let group: SentinelGroup;
  let server: TestServer;

  before(async () => {
    group = await SentinelGroup.start();
    server = await startTestServer("redis_sentinel", { ...group.env, REDIS_REPLICA_ACK_TIMEOUT_MS: "300" });
  });
  after(async () => {
    try {
      await server?.close();
    } finally {
      await group?.stop();
    }
  });

  const readyz = async () => {
    const res = await fetch(new URL("/readyz", server.url));
    return { status: res.status, body: (await res.json()) as { dependencies: Record<string, string> } };
  };

  it("refuses a logout or a login no replica acknowledged, with a SERVICE_UNAVAILABLE the client can repeat", async () => {
    const browser = server.client();
    const user = await registerUser(browser);
    group.replica.pause(); // connected, and answering nothing
    try {
      const logout = await browser.gql(`mutation { logout }`);
      assert.deepEqual(codes(logout), ["SERVICE_UNAVAILABLE"]);
      assert.equal(logout.status, 503);
      assert.deepEqual(codes(await login(server.client(), user.email)), ["SERVICE_UNAVAILABLE"]);
    } finally {
      group.replica.resume();
    }
    // Repeated once the replica answers: the logout is acknowledged and the session stays ended.
    assert.equal((await browser.ok(`mutation { logout }`)).logout, false);
    assert.equal(await me(browser), null);
    const again = await login(server.client(), user.email);
    assert.equal(again.data?.login.id, user.id, JSON.stringify(again.errors));
  });

  it("follows a failover: requests answer within 3 s throughout, sessions and logouts survive, and it recovers by itself", async () => {
    const kept = server.client();
    const user = await registerUser(kept);
    const ended = server.client();
    await login(ended, user.email);
    const endedCookie = await ended.cookieHeader();
    assert.equal((await ended.ok(`mutation { logout }`)).logout, true);
    const other = server.client();
    const otherUser = await registerUser(other);
    assert.equal((await readyz()).status, 200);

    // `me` ten times a second from a logged-in client, through the kill and the promotion.
    const timings: Array<{ ms: number; outcome: string }> = [];
    let stop = false;
    const watcher = server.client();
    await login(watcher, otherUser.email);
    const loop = (async () => {
      while (!stop) {
        const started = performance.now();
        const res = await watcher.gql(`{ me { id } }`);
        timings.push({ ms: performance.now() - started, outcome: res.data?.me?.id === otherUser.id ? "ok" : String(codes(res)[0] ?? res.status) });
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();

    const oldMaster = group.master.port;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await group.master.kill();
    const killedAt = performance.now();
    await group.until(async () => (await group.masterPort()) === group.replica.port, "the sentinels promote the replica");
    await group.until(async () => (await readyz()).status === 200, "/readyz is 200 again");
    const recoveredMs = performance.now() - killedAt;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    stop = true;
    await loop;

    assert.notEqual(await group.masterPort(), oldMaster);
    const slowest = Math.max(...timings.map((t) => t.ms));
    assert.ok(slowest < 3000, `slowest me took ${Math.round(slowest)} ms`);
    const outcomes = new Set(timings.map((t) => t.outcome));
    for (const outcome of outcomes) assert.ok(["ok", "SERVICE_UNAVAILABLE"].includes(outcome), `unexpected outcome ${outcome}`);
    assert.equal(timings.at(-1)!.outcome, "ok");
    console.log(`sentinel drill: ${timings.length} requests, slowest ${Math.round(slowest)} ms, ` +
      `${timings.filter((t) => t.outcome !== "ok").length} answered SERVICE_UNAVAILABLE, back to ready ${Math.round(recoveredMs)} ms after the kill`);

    assert.equal((await me(kept))?.id, user.id, "a session from before the kill still works");
    const replay = await server.client().gql(`{ me { id } }`, undefined, { cookie: endedCookie });
    assert.equal(replay.data?.me, null, "a session logged out before the kill stays logged out");
    const fresh = server.client();
    assert.equal((await login(fresh, user.email)).data?.login.id, user.id);
    const { sessions } = await fresh.ok(`{ sessions { id } }`);
    assert.equal(sessions.length, 2, "the kept session and the new one");
    assert.deepEqual((await readyz()).body.dependencies.redis, "up");

    // The user cache's subscription moved to the new master, and invalidations reach it there.
    const invalidation = server.services.invalidation;
    await group.until(async () => invalidation.isListening(), "the invalidation subscriber is back");
    const channel = `${server.config.redis!.keyPrefix}user-cache`;
    assert.match(await group.replica.cli("PUBSUB", "NUMSUB", channel), new RegExp(`^${channel}\n1$`));
    const cache = server.services.userCache;
    await me(kept); // cached now
    assert.ok(cache.size > 0);
    await group.replica.cli("PUBLISH", channel, "*"); // on the new master, as an operator would
    await group.until(async () => cache.size === 0, "the message reached the instance");
  });
});
