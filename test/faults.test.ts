import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { TestClient, codes } from "./helpers/client";
import { STRONG_PASSWORD, USER_FIELDS, login, registerUser, uniqueEmail } from "./helpers/factories";
import { OwnRedis } from "./helpers/redis-server";
import { MYSQL_ROOT, freshDependencies, startTestServer, type TestServer } from "./helpers/server";
import { TcpProxy } from "./helpers/tcp-proxy";

// The contract: while a dependency is down, every request is answered within this time.
const ANSWER_WITHIN_MS = 2000;
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`;

async function timed<T>(what: string, request: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await request();
  const ms = performance.now() - started;
  assert.ok(ms < ANSWER_WITHIN_MS, `${what} took ${Math.round(ms)} ms`);
  return result;
}

async function readiness(server: TestServer) {
  const res = await fetch(server.url.replace("/graphql", "/readyz"));
  return { status: res.status, body: await res.json() };
}

/** Polls /readyz until it is 200; the API must come back by itself. */
async function untilReady(server: TestServer): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await readiness(server)).status === 200) return;
    await sleep(100);
  }
  assert.fail("the API did not become ready again");
}

function assertUnavailable(res: { status: number; errors?: Array<{ message: string; extensions?: Record<string, any> }> }) {
  assert.equal(res.status, 503);
  assert.deepEqual(codes(res as any), ["SERVICE_UNAVAILABLE"]);
  assert.doesNotMatch(JSON.stringify(res.errors), /ECONN|127\.0\.0\.1|redis|mysql|knex|select/i);
}

describe("when Redis stops", () => {
  let redis: OwnRedis;
  let server: TestServer;
  before(async () => {
    redis = await OwnRedis.start();
    server = await startTestServer("faults_redis", { REDIS_URL: redis.url });
  });
  after(async () => {
    await server?.close();
    await redis?.stop();
  });

  it("answers every request within 2 s with SERVICE_UNAVAILABLE, says so in /readyz, and recovers when Redis returns", async () => {
    const alice = server.client();
    const user = await registerUser(alice);
    await redis.stop();

    assertUnavailable(await timed("me with a session", () => alice.gql("{ me { id } }")));
    assertUnavailable(await timed("logout", () => alice.gql("mutation { logout }")));
    assertUnavailable(await timed("login", () => login(server.client(), user.email)));
    const input = { email: uniqueEmail("during-outage"), name: "Nobody", password: STRONG_PASSWORD };
    assertUnavailable(await timed("register", () => server.client().gql(REGISTER, { input })));
    // A visitor without a session needs nothing from Redis to be told they are not logged in.
    const anonymous = await timed("me without a session", () => server.client().gql("{ me { id } }"));
    assert.deepEqual(anonymous.data, { me: null });

    const ready = await timed("readyz", () => readiness(server));
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body, { status: "unavailable", dependencies: { mysql: "up", redis: "down" } });
    assert.deepEqual(await server.sql("SELECT id FROM users WHERE email = ?", [input.email]), []);

    await redis.start();
    await untilReady(server);
    // This Redis keeps nothing across a restart, so the old session is gone; logging in works again.
    assert.deepEqual((await alice.ok("{ me { id } }")).me, null);
    const again = server.client();
    assert.deepEqual(codes(await login(again, user.email)), []);
    assert.equal((await again.ok("{ me { id } }")).me.id, user.id);
  });
});

describe("when Redis hangs", () => {
  let redis: OwnRedis;
  let server: TestServer;
  before(async () => {
    redis = await OwnRedis.start();
    server = await startTestServer("faults_redis_hang", { REDIS_URL: redis.url });
  });
  after(async () => {
    redis?.resume();
    await server?.close();
    await redis?.stop();
  });

  it("answers within 2 s with SERVICE_UNAVAILABLE while Redis does not answer, and recovers when it does", async () => {
    const alice = server.client();
    const user = await registerUser(alice);
    redis.pause();

    const [me, loggedIn, ready] = await Promise.all([
      timed("me with a session", () => alice.gql("{ me { id } }")),
      timed("login", () => login(server.client(), user.email)),
      timed("readyz", () => readiness(server)),
    ]);
    assertUnavailable(me);
    assertUnavailable(loggedIn);
    assert.deepEqual(ready.body.dependencies, { mysql: "up", redis: "down" });

    redis.resume();
    await untilReady(server);
    assert.equal((await alice.ok("{ me { id } }")).me.id, user.id);
  });
});

describe("when MySQL stops", () => {
  let proxy: TcpProxy;
  let server: TestServer;
  before(async () => {
    const { databaseUrl } = await freshDependencies("faults_mysql");
    const mysql = new URL(MYSQL_ROOT);
    proxy = await TcpProxy.start({ host: mysql.hostname, port: Number(mysql.port || 3306) });
    const proxied = new URL(databaseUrl);
    proxied.host = `127.0.0.1:${proxy.port}`;
    server = await startTestServer("faults_mysql", { DATABASE_URL: proxied.toString() });
  });
  after(async () => {
    await proxy?.restore();
    await server?.close();
    await proxy?.cut();
  });

  it("answers every request within 2 s with SERVICE_UNAVAILABLE, reports no write that did not happen, and recovers", async () => {
    const alice = server.client();
    const user = await registerUser(alice);
    await proxy.cut();

    assertUnavailable(await timed("me with a session", () => alice.gql("{ me { id } }")));
    assertUnavailable(await timed("logout", () => alice.gql("mutation { logout }")));
    assertUnavailable(await timed("login", () => login(server.client(), user.email)));
    const input = { email: uniqueEmail("during-outage"), name: "Nobody", password: STRONG_PASSWORD };
    assertUnavailable(await timed("register", () => server.client().gql(REGISTER, { input })));
    // A visitor without a session needs nothing from MySQL to be told they are not logged in.
    assert.deepEqual((await timed("me without a session", () => server.client().gql("{ me { id } }"))).data, { me: null });

    const ready = await timed("readyz", () => readiness(server));
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.body, { status: "unavailable", dependencies: { mysql: "down", redis: "up" } });

    await proxy.restore();
    await untilReady(server);
    // The logout was refused, so the session is still there; the registration never happened.
    assert.equal((await alice.ok("{ me { id } }")).me.id, user.id);
    assert.deepEqual(await server.sql("SELECT id FROM users WHERE email = ?", [input.email]), []);
    const again = server.client();
    assert.deepEqual(codes(await login(again, user.email)), []);
    const second = await registerUser(new TestClient(server.url));
    assert.match(second.id, /^\d+$/);
  });

  it("still answers me for a session whose user is in the user cache, and 503 for anything that reads MySQL", async () => {
    const bob = server.client();
    const user = await registerUser(bob);
    await bob.ok("{ me { id } }"); // the first request of the session caches the user
    await proxy.cut();
    try {
      assert.equal((await timed("me of a cached user", () => bob.ok("{ me { id } }"))).me.id, user.id);
      assertUnavailable(await timed("orders", () => bob.gql("{ orders { totalCount } }")));
    } finally {
      await proxy.restore();
      await untilReady(server);
    }
  });
});

describe("when MySQL hangs", () => {
  let proxy: TcpProxy;
  let server: TestServer;
  before(async () => {
    const { databaseUrl } = await freshDependencies("faults_mysql_hang");
    const mysql = new URL(MYSQL_ROOT);
    proxy = await TcpProxy.start({ host: mysql.hostname, port: Number(mysql.port || 3306) });
    const proxied = new URL(databaseUrl);
    proxied.host = `127.0.0.1:${proxy.port}`;
    server = await startTestServer("faults_mysql_hang", { DATABASE_URL: proxied.toString() });
  });
  after(async () => {
    await proxy?.restore();
    await server?.close();
    await proxy?.cut();
  });

  it("answers within 2 s with SERVICE_UNAVAILABLE on open connections that no longer answer, and recovers", async () => {
    const alice = server.client();
    const user = await registerUser(alice);
    proxy.hang();

    // More requests than the pool has connections, so that some wait on hung ones and some for a new one.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => timed(`request ${i}`, () => alice.gql("{ me { id } }"))));
    for (const res of answers) assertUnavailable(res);
    assert.deepEqual((await timed("readyz", () => readiness(server))).body.dependencies, { mysql: "down", redis: "up" });

    await proxy.restore();
    await untilReady(server);
    assert.equal((await alice.ok("{ me { id } }")).me.id, user.id);
  });
});
