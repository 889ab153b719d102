import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes, type TestClient } from "./helpers/client";
import { ADMIN_ENV, TEST_ADMIN, USER_FIELDS, login, me, registerUser } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import {
  QUIET_MAIL_SENDER, REDIS_URL, TEST_SECRET, flushUserCaches, freshDependencies, invalidationsDelivered, startEmbeddedServer, startTestServerOn, type TestServer,
} from "./helpers/server";
import { countSql } from "./helpers/sql-counter";
import { until } from "./helpers/until";
import { DELETE_USER, UPDATE_USER, USERS } from "./helpers/user-operations";

const ME = `{ me { ${USER_FIELDS} } }`;

/** `me` as `client` sees it, and the SQL statements `server` sent to answer it. */
async function meWithSql(server: TestServer, client: TestClient) {
  await invalidationsDelivered(server);
  const { result, statements } = await countSql(server.services.orm, () => client.ok(ME));
  return { me: result.me, statements };
}

// Instance A is a process of its own; instance B runs in this process, so its SQL can be counted and
// its cache looked at. Both share one MySQL database and one Redis prefix, as behind a load balancer.
describe("the user cache on two instances (MySQL and Redis)", () => {
  let a: Instance;
  let b: TestServer;
  let admin: TestClient;

  before(async () => {
    const dependencies = await freshDependencies("user_cache");
    b = await startTestServerOn(dependencies, { ...ADMIN_ENV, ...QUIET_MAIL_SENDER });
    a = await startInstance({
      DATABASE_URL: dependencies.databaseUrl, REDIS_URL, REDIS_KEY_PREFIX: dependencies.redisPrefix, SESSION_SECRET: TEST_SECRET,
      LOGIN_MAX_ATTEMPTS_PER_IP: "100000",
    });
    admin = a.client();
    assert.deepEqual(codes(await login(admin, TEST_ADMIN.email, TEST_ADMIN.password)), []);
  });
  after(async () => {
    await a?.stop();
    await b?.close();
  });

  /** A new USER logged in on A, and the same browser on B. */
  async function shopper(): Promise<{ id: string; email: string; onA: TestClient; onB: TestClient }> {
    const onA = a.client();
    const user = await registerUser(onA, { name: "Cached Shopper" });
    await invalidationsDelivered(b); // else the registration's message could drop the row B is about to cache
    return { id: user.id, email: user.email, onA, onB: onA.at(b.url) };
  }

  it("after the first request of a session, me sends no SQL statement", async () => {
    const user = await shopper();
    const first = await meWithSql(b, user.onB);
    assert.equal(first.statements.length, 1, first.statements.join("\n"));
    for (let i = 0; i < 3; i++) {
      const warm = await meWithSql(b, user.onB);
      assert.equal(warm.me.id, user.id);
      assert.deepEqual(warm.statements, []);
    }
  });

  it("answers every User field from the cache exactly as stored", async () => {
    const user = await shopper();
    await me(user.onB);
    const [stored] = await b.sql("SELECT id, email, name, role, created_at FROM users WHERE id = ?", [user.id]);
    const cached = await meWithSql(b, user.onB);
    assert.deepEqual(cached.statements, []);
    assert.deepEqual(cached.me, {
      id: String(stored.id), email: stored.email, name: stored.name, role: stored.role, createdAt: new Date(stored.created_at).toISOString(),
    });
  });

  it("an ADMIN's change of name and email on A is seen by me on B once the message arrives", async () => {
    const user = await shopper();
    assert.equal((await me(user.onB))?.email, user.email);
    const email = `renamed-${user.email}`;
    await admin.ok(UPDATE_USER, { id: user.id, input: { name: "Renamed On A", email } });
    const after = await meWithSql(b, user.onB);
    assert.deepEqual([after.me.name, after.me.email], ["Renamed On A", email]);
    assert.equal(after.statements.length, 1, "read again once, then cached again");
    assert.deepEqual((await meWithSql(b, user.onB)).statements, []);
  });

  it("a user's own change on B is seen on A as soon as the message arrives", async () => {
    const user = await shopper();
    await me(user.onA);
    await user.onB.ok(UPDATE_USER, { id: user.id, input: { name: "Renamed On B" } });
    // A is a process of its own: what it serves is the only sign that the message arrived.
    await until("A serves the new name", async () => (await user.onA.ok(ME)).me.name === "Renamed On B", { timeoutMs: 2000 });
  });

  it("a role change by an ADMIN on A ends the user's sessions, on B too", async () => {
    const user = await shopper();
    await me(user.onB);
    await admin.ok(UPDATE_USER, { id: user.id, input: { role: "ADMIN" } });
    assert.equal(await me(user.onB), null);
    await invalidationsDelivered(b);
    assert.equal(b.services.userCache.has(Number(user.id)), false);
  });

  it("an ADMIN demoting themselves on A keeps the session, and B sees the new role once the message arrives", async () => {
    const user = await shopper();
    await admin.ok(UPDATE_USER, { id: user.id, input: { role: "ADMIN" } });
    const self = a.client();
    await login(self, user.email);
    assert.equal((await self.at(b.url).ok(ME)).me.role, "ADMIN"); // cached on B as an ADMIN
    assert.deepEqual(codes(await self.at(b.url).gql(USERS, {})), []);

    await self.ok(UPDATE_USER, { id: user.id, input: { role: "USER" } });
    await invalidationsDelivered(b);
    assert.equal((await self.at(b.url).ok(ME)).me.role, "USER");
    assert.deepEqual(codes(await self.at(b.url).gql(USERS, {})), ["FORBIDDEN"]);
  });

  it("deleteUser on A ends the user's sessions on B and drops B's cached row", async () => {
    const user = await shopper();
    await me(user.onB);
    assert.equal(b.services.userCache.has(Number(user.id)), true);
    assert.equal((await admin.ok(DELETE_USER, { id: user.id })).deleteUser, true);
    await invalidationsDelivered(b);
    assert.equal(b.services.userCache.has(Number(user.id)), false);
    assert.equal(await me(user.onB), null);
    assert.deepEqual(codes(await user.onB.gql(`{ sessions { id } }`)), ["UNAUTHENTICATED"]);
  });

  it("changePassword on A drops B's cached row", async () => {
    const user = await shopper();
    await me(user.onB);
    await user.onA.ok(`mutation { changePassword(currentPassword: "correct horse battery staple", newPassword: "another long passphrase 42") }`);
    await invalidationsDelivered(b);
    assert.equal(b.services.userCache.has(Number(user.id)), false);
  });

  it("a change made in SQL by hand is seen within the TTL, or at once after a flush (the documented bound)", async () => {
    const user = await shopper();
    await me(user.onB);
    await b.sql("UPDATE users SET name = 'Changed In SQL' WHERE id = ?", [user.id]);
    assert.equal((await user.onB.ok(ME)).me.name, "Cached Shopper"); // until USER_CACHE_TTL_S (60 s) passes
    await flushUserCaches(b);
    assert.equal((await user.onB.ok(ME)).me.name, "Changed In SQL");
    await until("A has emptied its caches too", async () => (await user.onA.ok(ME)).me.name === "Changed In SQL", { timeoutMs: 2000 });
  });
});

describe("the user cache turned off (USER_CACHE_TTL_S=0)", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServerOn(await freshDependencies("user_cache_off"), { USER_CACHE_TTL_S: "0", ...QUIET_MAIL_SENDER });
  });
  after(() => server?.close());

  it("reads the user from the database on every request", async () => {
    const client = server.client();
    await registerUser(client);
    for (let i = 0; i < 3; i++) assert.equal((await meWithSql(server, client)).statements.length, 1);
    assert.equal(server.services.userCache.size, 0);
  });
});

describe("the user cache on the embedded defaults (SQLite and the in-process session store)", () => {
  let server: TestServer;
  before(async () => {
    server = await startEmbeddedServer({ ...ADMIN_ENV, ...QUIET_MAIL_SENDER });
  });
  after(() => server?.close());

  it("caches the user, and an ADMIN's change is seen by the user's next request at once", async () => {
    const client = server.client();
    const user = await registerUser(client, { name: "Embedded Shopper" });
    await me(client);
    assert.deepEqual((await meWithSql(server, client)).statements, []);

    const admin = server.client();
    await login(admin, TEST_ADMIN.email, TEST_ADMIN.password);
    await admin.ok(UPDATE_USER, { id: user.id, input: { name: "Renamed Embedded", role: "ADMIN" } });
    assert.equal(await me(client), null); // a role change ends the user's sessions, as everywhere
    await login(client, user.email);
    const { name, role } = (await client.ok(ME)).me;
    assert.deepEqual([name, role], ["Renamed Embedded", "ADMIN"]);

    await client.ok(UPDATE_USER, { id: user.id, input: { name: "Renamed By Self" } });
    const after = await meWithSql(server, client);
    assert.equal(after.me.name, "Renamed By Self");
    assert.equal(after.statements.length, 1);
  });
});
