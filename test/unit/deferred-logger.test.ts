import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { it } from "node:test";
import pino from "pino";
import { deferredLogger } from "../../src/observability/deferred-logger";

function capture(level: string) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { log: pino({ level }, stream), lines };
}

it("makes the request's child logger only when something is logged at an enabled level, and logs through it", async () => {
  const { log, lines } = capture("warn");
  let made = 0;
  const requestLog = deferredLogger(log, () => {
    made++;
    return log.child({ req: { id: "r1" } });
  });
  requestLog.info({ a: 1 }, "not at this level");
  assert.equal(requestLog.isLevelEnabled("info"), false);
  assert.equal(requestLog.isLevelEnabled("error"), true);
  assert.equal(made, 0);
  requestLog.warn({ b: 2 }, "first");
  requestLog.error("second %s", "formatted");
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(made, 1);
  assert.deepEqual(
    lines.map(({ level, msg, req, b }) => ({ level, msg, req, b })),
    [
      { level: 40, msg: "first", req: { id: "r1" }, b: 2 },
      { level: 50, msg: "second formatted", req: { id: "r1" }, b: undefined },
    ],
  );
});

it("gives a child of the request's logger, with both sets of bindings", async () => {
  const { log, lines } = capture("info");
  const requestLog = deferredLogger(log, () => log.child({ req: { id: "r2" } }));
  requestLog.child({ part: "cart" }).info("hello");
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(
    lines.map(({ msg, req, part }) => ({ msg, req, part })),
    [{ msg: "hello", req: { id: "r2" }, part: "cart" }],
  );
});
