/**
 * Preloaded into a server under test (`node -r dist/bench/sql-counter.js ...`) by the bench only.
 * Counts what actually goes to MySQL and Redis, from the drivers' own diagnostics channels (mysql2 and
 * node-redis publish every query and command there), so no application code is involved in counting.
 * Counting is switched on and read over the IPC channel; while it is off nothing is subscribed, and the
 * drivers skip the tracing work entirely.
 */
import { tracingChannel } from "node:diagnostics_channel";

type Message = { type: "count-start" } | { type: "count-stop" } | { type: "gc" };

const counts = { sql: 0, redis: 0, statements: new Map<string, number>() };
const onQuery = {
  start(ctx: { query?: string }) {
    counts.sql++;
    const shape = (ctx.query ?? "?").replace(/\b\d+\b/g, "N").replace(/'[^']*'/g, "'…'").slice(0, 160);
    counts.statements.set(shape, (counts.statements.get(shape) ?? 0) + 1);
  },
};
const onCommand = { start: () => void counts.redis++ };
// A MULTI is one traced batch whose commands are not traced one by one; a pipeline traces both.
const onBatch = {
  start(ctx: { batchMode?: string; batchSize?: number }) {
    if (ctx.batchMode === "MULTI") counts.redis += ctx.batchSize ?? 0;
  },
};
const channels = [
  [tracingChannel("mysql2:query"), onQuery],
  [tracingChannel("mysql2:execute"), onQuery],
  [tracingChannel("node-redis:command"), onCommand],
  [tracingChannel("node-redis:batch"), onBatch],
] as const;

process.on("message", (message: Message) => {
  if (message.type === "count-start") {
    counts.sql = 0;
    counts.redis = 0;
    counts.statements.clear();
    for (const [channel, handlers] of channels) channel.subscribe(handlers as never);
  } else if (message.type === "gc") {
    // Only with --expose-gc (the bench's memory check): a full collection, so RSS shows what is kept.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    setTimeout(() => process.send!({ type: "memory", ...process.memoryUsage() }), 200);
  } else if (message.type === "count-stop") {
    for (const [channel, handlers] of channels) channel.unsubscribe(handlers as never);
    process.send!({ type: "counts", sql: counts.sql, redis: counts.redis, statements: [...counts.statements] });
  }
});
// The IPC channel must not keep a server alive that was asked to stop.
process.channel?.unref();
