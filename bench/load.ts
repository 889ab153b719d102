/**
 * The load generator, run as its own process (pinned to its own core by the bench). Reads a LoadSpec
 * as JSON from stdin, drives autocannon, records every response time itself (autocannon's histogram
 * keeps whole milliseconds, too coarse here) and prints one JSON line.
 */
import autocannon from "autocannon";
import { text } from "node:stream/consumers";
import { summarize } from "./stats";

export interface LoadSpec {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  /** Per-request cookie and/or body, used in turn (e.g. many sessions, or many products). */
  variants?: Array<{ cookie?: string; body?: string }>;
  connections: number;
  durationS?: number;
  amount?: number;
  /** Requests per second over all connections; unset means as fast as the server answers. */
  rate?: number;
  /** A response body containing this is a failure (GraphQL answers errors with HTTP 200). */
  failIfContains?: string;
}

async function main(): Promise<void> {
  const spec = JSON.parse(await text(process.stdin)) as LoadSpec;
  let turn = 0;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationS ?? 5 }),
    ...(spec.rate ? { overallRate: spec.rate } : {}),
    timeout: 30,
    verifyBody: spec.failIfContains ? (body: string) => !body.includes(spec.failIfContains!) : undefined,
    requests: [
      {
        method: spec.method,
        headers: spec.headers,
        body: spec.body,
        setupRequest: (req: Record<string, any>) => {
          if (!spec.variants?.length) return req;
          const variant = spec.variants[turn++ % spec.variants.length];
          const headers = variant.cookie ? { ...req.headers, cookie: variant.cookie } : req.headers;
          return { ...req, headers, body: variant.body ?? req.body };
        },
      },
    ],
  });
  instance.on("response", (_client: unknown, status: number, _bytes: number, ms: number) => {
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status >= 200 && status < 300) latencies.push(ms);
  });
  const result = await instance;
  const elapsedS = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const failures = result.non2xx + result.errors + result.timeouts + result.mismatches;
  const summary = summarize(latencies, elapsedS);
  // A failed request counts against the rate: only good answers are throughput.
  summary.rps = Math.max(0, latencies.length - result.mismatches) / elapsedS;
  console.log(JSON.stringify({ ...summary, failures, statuses, loadgenCpu: (cpu.user + cpu.system) / 1e6 / elapsedS }));
}

void main();
