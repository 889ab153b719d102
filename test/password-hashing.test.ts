import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { readdirSync, readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { PasswordHasher } from "../src/secrets/password-hasher";
import { codes } from "./helpers/client";
import { login, me, registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

/** Nice values of this process's threads (the test server runs in this process). */
function threadNiceValues(): number[] {
  return readdirSync("/proc/self/task").map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]);
  });
}

describe("password hashing under a login flood", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("hashing", { PASSWORD_HASH_CONCURRENCY: "1", PASSWORD_HASH_QUEUE: "0", PASSWORD_HASH_NICE: "19" });
  });
  after(() => server?.close());

  it("answers logins beyond the bound with SERVICE_UNAVAILABLE (HTTP 503) at once, and serves the rest", async () => {
    const user = await registerUser(server.client());
    const flood = await Promise.all(Array.from({ length: 8 }, () => login(server.client(), user.email)));
    const outcomes = flood.map((res) => (res.errors ? codes(res)[0] : "ok"));
    assert.ok(outcomes.includes("ok"), `no login got through: ${outcomes}`);
    assert.ok(outcomes.includes("SERVICE_UNAVAILABLE"), `none was refused: ${outcomes}`);
    for (const res of flood.filter((r) => r.errors)) assert.equal(res.status, 503);
  });

  it("keeps answering other requests while logins are refused", async () => {
    const client = server.client();
    const user = await registerUser(client);
    const flood = Promise.all(Array.from({ length: 8 }, () => login(server.client(), user.email)));
    assert.equal((await me(client))?.id, user.id);
    await flood;
  });

  it("hashes on worker threads at the configured lower priority (Linux)", async () => {
    await registerUser(server.client());
    if (process.platform === "linux") assert.ok(threadNiceValues().includes(19), `threads: ${threadNiceValues()}`);
  });
});

describe("PasswordHasher", () => {
  it("refuses a hash that waited longer than its limit instead of running it late", async () => {
    // One hash at a time, and a wait limit far below one hash's time (tens of milliseconds).
    const hasher = new PasswordHasher(1, 10, 0, 1);
    try {
      const stored = await hasher.hash("correct horse battery staple");
      const first = hasher.verify(stored, "correct horse battery staple");
      const late = hasher.verify(stored, "correct horse battery staple");
      assert.equal(await first, true);
      await assert.rejects(late, (err: { extensions?: { code?: string } }) => err.extensions?.code === "SERVICE_UNAVAILABLE");
    } finally {
      await hasher.close();
    }
  });

  it("refuses with SERVICE_UNAVAILABLE once closed: a hash in flight, one waiting, and one asked for later", async () => {
    const hasher = new PasswordHasher(1, 10);
    const stored = await hasher.hash("correct horse battery staple");
    const shuttingDown = (err: { message: string; extensions?: { code?: string } }) =>
      err.extensions?.code === "SERVICE_UNAVAILABLE" && /shutting down/.test(err.message);
    const inFlight = assert.rejects(hasher.verify(stored, "correct horse battery staple"), shuttingDown);
    const waiting = assert.rejects(hasher.verify(stored, "correct horse battery staple"), shuttingDown);
    await hasher.close();
    await inFlight;
    await waiting;
    await assert.rejects(hasher.verify(stored, "correct horse battery staple"), shuttingDown);
    await assert.rejects(hasher.verify(undefined, "no such user"), shuttingDown);
    await assert.rejects(hasher.hash("another password"), shuttingDown);
  });

  it("never keeps the process alive: not a pool left open, nor a job that arrives after close", () => {
    const pool = path.join(__dirname, "..", "src", "secrets", "hash-pool.js");
    const script = `
      const { HashPool, HashPoolClosedError } = require(${JSON.stringify(pool)});
      (async () => {
        const open = new HashPool(1, 0);
        const hash = await open.run({ op: "hash", password: "left open", options: { memoryCost: 1024, timeCost: 1, parallelism: 1 } });
        const closed = new HashPool(1, 0);
        await closed.close();
        const late = await closed.run({ op: "verify", hash, password: "left open" }).catch((err) => err);
        console.log(late instanceof HashPoolClosedError ? "refused" : "ran: " + late);
      })();
    `;
    // Before the fix, both kept a worker's port referenced and the process ran until killed.
    const run = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 20_000 });
    assert.equal(run.signal, null, "the process did not exit by itself");
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "refused\n");
  });
});
