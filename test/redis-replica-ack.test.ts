import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { login, me, registerUser } from "./helpers/factories";
import { freePort } from "./helpers/ports";
import { RedisProcess } from "./helpers/redis-topologies";
import { startTestServer, type TestServer } from "./helpers/server";

const args = (port: number) => ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];

// REDIS_URL naming a master that has a replica (replication without Sentinel): the same acknowledgements.
describe("a Redis master with a replica, on REDIS_URL", () => {
  let master: RedisProcess;
  let replica: RedisProcess;
  let server: TestServer;

  before(async () => {
    const masterPort = await freePort();
    master = await new RedisProcess(masterPort, args(masterPort)).start();
    const replicaPort = await freePort();
    replica = await new RedisProcess(replicaPort, [...args(replicaPort), "--replicaof", "127.0.0.1", String(masterPort)]).start();
    const deadline = Date.now() + 20_000;
    while (!(await replica.cli("INFO", "replication")).includes("master_link_status:up")) {
      if (Date.now() > deadline) throw new Error("the replica did not sync");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    server = await startTestServer("redis_replica_ack", { REDIS_URL: `redis://127.0.0.1:${masterPort}/0`, REDIS_REPLICA_ACK_TIMEOUT_MS: "300" });
  });
  after(async () => {
    await server?.close();
    await master?.remove();
    await replica?.remove();
  });

  it("answers a login and a logout once the replica has them: the replica holds the session, then no longer", async () => {
    const browser = server.client();
    const user = await registerUser(browser);
    const prefix = server.config.redis!.keyPrefix;
    const onReplica = async () => (await replica.cli("--scan", "--pattern", `${prefix}sess:*`)).split("\n").filter(Boolean);
    assert.equal((await onReplica()).length, 1, "the login is on the replica when register answers");
    assert.equal((await browser.ok(`mutation { logout }`)).logout, true);
    assert.deepEqual(await onReplica(), [], "the logout is on the replica when it answers");
    assert.equal((await login(browser, user.email)).data?.login.id, user.id);
  });

  it("refuses revokeSession and logoutOtherSessions with SERVICE_UNAVAILABLE while the replica does not acknowledge", async () => {
    const phone = server.client();
    const user = await registerUser(phone);
    const laptop = server.client();
    await login(laptop, user.email);
    const { sessions } = await laptop.ok(`{ sessions { id current } }`);
    const phoneSession = sessions.find((s: { current: boolean }) => !s.current);
    replica.pause();
    try {
      const started = performance.now();
      assert.deepEqual(codes(await laptop.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: phoneSession.id })), ["SERVICE_UNAVAILABLE"]);
      assert.ok(performance.now() - started < 1800, "within the request deadline");
      assert.deepEqual(codes(await laptop.gql(`mutation { logoutOtherSessions }`)), ["SERVICE_UNAVAILABLE"]);
    } finally {
      replica.resume();
    }
    assert.equal(await me(phone), null, "the revocation happened on the master; only its answer was withheld");
    assert.equal((await laptop.ok(`mutation { logoutOtherSessions }`)).logoutOtherSessions, 0);
  });

  it("where the server refuses ROLE (a managed Redis), waits for no replica rather than refusing every login", async () => {
    await master.cli("ACL", "SETUSER", "default", "-role");
    replica.pause(); // would make any WAIT time out
    try {
      const browser = server.client();
      await registerUser(browser);
      assert.equal((await browser.ok(`mutation { logout }`)).logout, true);
    } finally {
      replica.resume();
    }
  });

  it("with no replica connected, answers as on a single Redis (nothing could acknowledge)", async () => {
    await replica.kill();
    const deadline = Date.now() + 10_000;
    while (!(await master.cli("INFO", "replication")).includes("connected_slaves:0")) {
      if (Date.now() > deadline) throw new Error("the master still lists the replica");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const browser = server.client();
    await registerUser(browser);
    assert.equal((await browser.ok(`mutation { logout }`)).logout, true);
  });
});
