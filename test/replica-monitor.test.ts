import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { Config } from "../src/config";
import { gtidDialect, hasReached, parseGtidPosition } from "../src/db/replicas/gtid-position";
import { ReplicaRoutingDriver } from "../src/db/replicas/replica-driver";
import { ReplicaMonitor } from "../src/db/replicas/replica-monitor";
import { startReplicaReads } from "../src/db/replicas/start-replicas";

describe("GTID positions", () => {
  it("compares MariaDB's per replication domain", () => {
    const primary = parseGtidPosition("0-1-42,1-2-7", "mariadb");
    assert.equal(hasReached(parseGtidPosition("0-1-42,1-2-7", "mariadb"), primary), true);
    assert.equal(hasReached(parseGtidPosition("0-1-43,1-3-9", "mariadb"), primary), true);
    assert.equal(hasReached(parseGtidPosition("0-1-42", "mariadb"), primary), false, "domain 1 missing");
    assert.equal(hasReached(parseGtidPosition("0-1-41,1-2-7", "mariadb"), primary), false);
    assert.equal(hasReached(parseGtidPosition("", "mariadb"), parseGtidPosition("", "mariadb")), true, "nothing written yet");
    assert.equal(hasReached(parseGtidPosition("0-1-99999999999999999999", "mariadb"), parseGtidPosition("0-1-99999999999999999998", "mariadb")), true);
  });
});

describe("GTID positions, MySQL's (unit-tested only: the test servers are MariaDB)", () => {
  it("tells MariaDB from MySQL by SELECT VERSION()", () => {
    for (const v of ["11.4.2-MariaDB-ubu2404", "10.11.6-MariaDB-0+deb12u1-log", "10.6.16-MariaDB"]) assert.equal(gtidDialect(v), "mariadb", v);
    for (const v of ["8.0.36", "8.4.3-commercial", "5.7.44-log", "9.1.0"]) assert.equal(gtidDialect(v), "mysql", v);
  });

  it("compares GTID sets per source, with gaps and tags, as WAIT_FOR_EXECUTED_GTID_SET would", () => {
    const mysql = (text: string) => parseGtidPosition(text, "mysql");
    const a = "3E11FA47-71CA-11E1-9E33-C80AA9429562";
    const b = "b9b4712a-df64-11e3-b391-60672090eb04";
    const primary = mysql(`${a}:1-5,\n${b}:1-7`); // as the server prints it: upper or lower case, a newline after each comma
    assert.equal(hasReached(mysql(`${a.toLowerCase()}:1-5,${b}:1-7`), primary), true);
    assert.equal(hasReached(mysql(`${a}:1-9,${b}:1-7`), primary), true);
    assert.equal(hasReached(mysql(`${a}:1-4,${b}:1-7`), primary), false, "one transaction short");
    assert.equal(hasReached(mysql(`${a}:1-5`), primary), false, "a source missing");
    assert.equal(hasReached(mysql(`${a}:1-3:5,${b}:1-7`), primary), false, "a gap (a multi-threaded replica applies out of order)");
    assert.equal(hasReached(mysql(`${a}:1-5,${b}:1-7`), mysql(`${a}:1-3:5`)), true, "the primary's own gap");
    assert.equal(hasReached(mysql(`${a}:1-5`), mysql(`${a}:1-5:blue:1-2`)), false, "a tagged transaction (MySQL 8.3+) missing");
    assert.equal(hasReached(mysql(`${a}:1-5:blue:1-2`), mysql(`${a}:1-5:blue:2`)), true);
    assert.equal(hasReached(mysql(""), mysql("")), true, "nothing written yet");
  });

  /** startReplicaReads on a primary and a replica that answer as the test says, and what each was asked. */
  async function startOn(answers: { version: string; gtidMode?: string; primary: string; replica: string }) {
    const asked = { primary: [] as string[], replica: [] as string[] };
    const server = (name: "primary" | "replica") => ({
      execute: async (sql: string) => {
        asked[name].push(sql);
        const v = /version\(\)/.test(sql) ? answers.version : /gtid_mode/.test(sql) ? answers.gtidMode : answers[name];
        return [{ v }];
      },
    });
    const primary = server("primary");
    const replica = server("replica");
    const driver = Object.assign(Object.create(ReplicaRoutingDriver.prototype) as ReplicaRoutingDriver, {
      getConnection: () => primary, replicaConnections: () => [replica],
    });
    const warnings: string[] = [];
    const log = { warn: (_: unknown, msg: string) => warnings.push(msg), info: () => undefined } as unknown as Logger;
    const config = { replicas: { urls: ["mysql://r/shop"], maxLagS: 5, readYourWritesS: 5 }, dependencyTimeoutMs: 500 } as Config;
    const reads = await startReplicaReads({ em: { getDriver: () => driver } } as unknown as MikroORM, config, log);
    return { reads, driver, asked, warnings };
  }

  it("watches a MySQL replica through @@gtid_executed on both servers", async () => {
    const set = "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42";
    const { reads, driver, asked, warnings } = await startOn({ version: "8.4.3", gtidMode: "ON", primary: set, replica: set });
    try {
      assert.deepEqual(reads.states(), { "replica-1": "up" });
      assert.ok(driver.monitor, "reads may go to the replica");
      assert.deepEqual(asked.primary, ["select version() as v", "select @@gtid_mode as v", "select @@gtid_executed as v"]);
      assert.deepEqual(asked.replica, ["select @@gtid_executed as v"]);
      assert.deepEqual(warnings, []);
    } finally {
      await reads.stop();
    }
  });

  it("keeps MariaDB's variables on a MariaDB primary", async () => {
    const { reads, asked } = await startOn({ version: "11.4.2-MariaDB", primary: "0-1-7", replica: "0-1-6" });
    try {
      assert.deepEqual(asked.primary, ["select version() as v", "select @@gtid_binlog_pos as v"]);
      assert.deepEqual(asked.replica, ["select @@gtid_slave_pos as v"]);
      assert.deepEqual(reads.states(), { "replica-1": "lagging" }, "one transaction behind since it was first seen");
    } finally {
      await reads.stop();
    }
  });

  it("reads only from the primary, with one warning at start, when MySQL's gtid_mode is OFF", async () => {
    const { reads, driver, asked, warnings } = await startOn({ version: "8.0.36", gtidMode: "OFF", primary: "", replica: "" });
    assert.deepEqual(reads.states(), {});
    assert.equal(driver.monitor, undefined, "every read goes to the primary");
    assert.deepEqual(asked.replica, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /DATABASE_REPLICA_URLS ignored: the MySQL primary has gtid_mode OFF/);
  });
});

describe("ReplicaMonitor", () => {
  /** A primary and two replicas whose positions the test sets. */
  function rig(options: { maxLagMs?: number; readYourWritesMs?: number } = {}) {
    const state = { primary: "0-1-1", replicas: ["0-1-1", "0-1-1"], fail: [false, false] };
    const monitor = new ReplicaMonitor({
      dialect: "mariadb",
      primaryPosition: async () => state.primary,
      replicaPositions: state.replicas.map((_, i) => async () => {
        if (state.fail[i]) throw new Error("down");
        return state.replicas[i];
      }),
      maxLagMs: options.maxLagMs ?? 60_000,
      readYourWritesMs: options.readYourWritesMs ?? 60_000,
      timeoutMs: 200,
      everyMs: 3_600_000, // ticks only when the test calls tick()
    });
    return { state, monitor };
  }

  it("sends reads to the primary until it has seen the replicas, then takes turns", async () => {
    const { monitor } = rig();
    assert.equal(monitor.choose(undefined), undefined);
    await monitor.tick();
    assert.deepEqual(monitor.states(), ["up", "up"]);
    assert.deepEqual([monitor.choose(undefined), monitor.choose(undefined), monitor.choose(undefined)], [0, 1, 0]);
    await monitor.stop();
  });

  it("skips a replica that does not answer or was marked down, until a tick finds it answering", async () => {
    const { state, monitor } = rig();
    await monitor.tick();
    state.fail[0] = true;
    await monitor.tick();
    assert.deepEqual(monitor.states(), ["down", "up"]);
    assert.deepEqual([monitor.choose(undefined), monitor.choose(undefined)], [1, 1]);
    monitor.markDown(1);
    assert.equal(monitor.choose(undefined), undefined, "none left: the primary");
    state.fail[0] = false;
    await monitor.tick();
    assert.deepEqual(monitor.states(), ["up", "up"]);
  });

  it("keeps a visitor who wrote on the primary until a replica is fresh as of the write, or the window has passed", async () => {
    const { state, monitor } = rig({ readYourWritesMs: 60_000 });
    await monitor.tick();
    const wroteAt = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    state.primary = "0-1-2"; // the write
    await monitor.tick(); // neither replica has it
    assert.equal(monitor.choose(wroteAt), undefined);
    assert.notEqual(monitor.choose(undefined), undefined, "a visitor who wrote nothing still reads a replica");
    assert.notEqual(monitor.choose(wroteAt, wroteAt + 60_001), undefined, "after READ_YOUR_WRITES_S a replica serves again");
    state.replicas[1] = "0-1-2";
    await monitor.tick();
    assert.equal(monitor.choose(wroteAt), 1, "the replica that has it");
  });

  it("counts a replica behind by more than the bound as lagging, and skips it", async () => {
    const { state, monitor } = rig({ maxLagMs: 20 });
    await monitor.tick();
    state.primary = "0-1-5";
    state.replicas[0] = "0-1-5";
    await new Promise((resolve) => setTimeout(resolve, 30));
    await monitor.tick();
    assert.deepEqual(monitor.states(), ["up", "lagging"]);
    assert.deepEqual([monitor.choose(undefined), monitor.choose(undefined)], [0, 0]);
  });

  it("counts a replica that answers too slowly as down", async () => {
    const monitor = new ReplicaMonitor({
      dialect: "mariadb",
      primaryPosition: async () => "0-1-1",
      replicaPositions: [() => new Promise<string>(() => undefined)],
      maxLagMs: 60_000, readYourWritesMs: 1000, timeoutMs: 50, everyMs: 3_600_000,
    });
    await monitor.tick();
    assert.deepEqual(monitor.states(), ["down"]);
  });
});
