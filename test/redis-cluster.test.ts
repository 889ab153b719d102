import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { STRONG_PASSWORD, login, me, registerUser } from "./helpers/factories";
import { RedisClusterGroup } from "./helpers/redis-topologies";
import { freshDependencies, invalidationsDelivered, startTestServerOn, type TestServer } from "./helpers/server";

// Three masters made by `redis-cli --cluster create`, and two API instances on them sharing one database.
describe("Redis Cluster", () => {
  let cluster: RedisClusterGroup;
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    cluster = await RedisClusterGroup.start();
    const deps = await freshDependencies("redis_cluster");
    const env = { ...cluster.env, LOGIN_MAX_FAILURES_PER_ACCOUNT: "3" };
    a = await startTestServerOn(deps, env);
    b = await startTestServerOn(deps, env);
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await cluster?.stop();
  });

  const prefix = () => a.config.redis!.keyPrefix;

  it("keeps sessions on several clients, lists them, revokes one and logs out the others, with no CROSSSLOT", async () => {
    const phone = a.client();
    const user = await registerUser(phone);
    const laptop = b.client();
    const tablet = a.client();
    await login(laptop, user.email);
    await login(tablet.at(b.url), user.email);
    const { sessions } = await laptop.ok(`{ sessions { id current } }`);
    assert.equal(sessions.length, 3);

    const phoneSession = (await phone.ok(`{ sessions { id current } }`)).sessions.find((s: { current: boolean }) => s.current);
    assert.equal((await laptop.ok(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: phoneSession.id })).revokeSession, true);
    assert.deepEqual(codes(await phone.gql(`{ sessions { id } }`)), ["UNAUTHENTICATED"]);
    assert.equal((await laptop.at(a.url).ok(`{ sessions { id } }`)).sessions.length, 2);

    assert.equal((await laptop.ok(`mutation { logoutOtherSessions }`)).logoutOtherSessions, 1);
    assert.equal(await me(tablet), null);
    assert.equal((await me(laptop.at(a.url)))?.id, user.id);
    assert.equal((await laptop.ok(`mutation { logout }`)).logout, true);
    assert.equal(await me(laptop), null);
  });

  it("puts a user's sessions and index in one hash slot, and spreads users over more than one master", async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await registerUser(i % 2 ? a.client() : b.client()));
    const perNode = await cluster.keysPerNode(`${prefix()}sess:`);
    assert.ok(perNode.filter((keys) => keys.length > 0).length > 1, `sessions on one node only: ${perNode.map((k) => k.length)}`);
    for (const user of users) {
      const index = `${prefix()}user-sessions:{${user.id}}`;
      const slots = new Set([await cluster.nodes[0].cli("CLUSTER", "KEYSLOT", index)]);
      const sids = (await cluster.nodes[0].cli("-c", "HVALS", index)).split("\n").filter(Boolean); // -c follows MOVED
      assert.equal(sids.length, 1);
      for (const sid of sids) slots.add(await cluster.nodes[0].cli("CLUSTER", "KEYSLOT", `${prefix()}sess:${sid}`));
      assert.equal(slots.size, 1, `user ${user.id}: ${[...slots]}`);
    }
  });

  it("counts login failures across instances and refuses the fourth", async () => {
    const user = await registerUser(a.client());
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(codes(await login((i % 2 ? a : b).client(), user.email, "not the password at all"))[0]);
    assert.deepEqual(outcomes, ["BAD_USER_INPUT", "BAD_USER_INPUT", "BAD_USER_INPUT", "TOO_MANY_REQUESTS"]);
  });

  it("drops a changed user's cached row on the other instance when the message arrives (pub/sub on the cluster)", async () => {
    const browser = a.client();
    const user = await registerUser(browser);
    await invalidationsDelivered(b);
    assert.equal((await me(browser.at(b.url)))?.email, user.email); // cached on b now
    const email = `renamed-${user.email}`;
    await browser.ok(`mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`, { id: user.id, input: { email, currentPassword: STRONG_PASSWORD } });
    await invalidationsDelivered(b); // the message is in Redis when A's write returns; B reads it a moment later
    assert.equal((await me(browser.at(b.url)))?.email, email);
  });

  it("reports every master in /readyz", async () => {
    const res = await fetch(new URL("/readyz", a.url));
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { dependencies: Record<string, string> }).dependencies.redis, "up");
  });
});
