import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { hasReached, parseGtidPosition } from "../src/db/replicas/gtid-position";
import { ReplicaMonitor } from "../src/db/replicas/replica-monitor";

describe("GTID positions", () => {
  it("compares per replication domain", () => {
    const primary = parseGtidPosition("0-1-42,1-2-7");
    assert.equal(hasReached(parseGtidPosition("0-1-42,1-2-7"), primary), true);
    assert.equal(hasReached(parseGtidPosition("0-1-43,1-3-9"), primary), true);
    assert.equal(hasReached(parseGtidPosition("0-1-42"), primary), false, "domain 1 missing");
    assert.equal(hasReached(parseGtidPosition("0-1-41,1-2-7"), primary), false);
    assert.equal(hasReached(parseGtidPosition(""), parseGtidPosition("")), true, "nothing written yet");
    assert.equal(hasReached(parseGtidPosition("0-1-99999999999999999999"), parseGtidPosition("0-1-99999999999999999998")), true);
  });
});

describe("ReplicaMonitor", () => {
  /** A primary and two replicas whose positions the test sets. */
  function rig(options: { maxLagMs?: number; readYourWritesMs?: number } = {}) {
    const state = { primary: "0-1-1", replicas: ["0-1-1", "0-1-1"], fail: [false, false] };
    const monitor = new ReplicaMonitor({
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
      primaryPosition: async () => "0-1-1",
      replicaPositions: [() => new Promise<string>(() => undefined)],
      maxLagMs: 60_000, readYourWritesMs: 1000, timeoutMs: 50, everyMs: 3_600_000,
    });
    await monitor.tick();
    assert.deepEqual(monitor.states(), ["down"]);
  });
});
