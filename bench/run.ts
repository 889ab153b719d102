/**
 * `npm run bench`: starts the compiled API and the baseline against the local MariaDB and Redis (its
 * own database and key prefix), warms up, then measures each operation in rounds, alternating with its
 * baseline, and writes bench/results/latest.json. Settings: see docs/performance.md.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import mysql from "mysql2/promise";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { SMTPServer } from "smtp-server";
import { ADD_TO_CART, ADMIN, BENCH_HEADERS, LOGIN, PASSWORD, accepts, fillCart, makeProducts, makeUsers, ok } from "./fixtures";
import type { LoadSpec } from "./load";
import { loadConfig } from "../src/config";
import { printTable } from "./report";
import { API_NODE_FLAGS, PINNING, ROOT, freePort, localServerCpu, runOnLoadCore, runOnServerCore, startServerProcess, type ServerProcess } from "./servers";
import { createServer } from "node:http";
import { median, type Measurement } from "./stats";

const env = process.env;
const num = (name: string, def: number) => (env[name] ? Number(env[name]) : def);
const settings = {
  durationS: num("BENCH_DURATION_S", 5),
  warmupS: num("BENCH_WARMUP_S", 3),
  loginWarmupS: num("BENCH_LOGIN_WARMUP_S", 30),
  rounds: num("BENCH_ROUNDS", 3),
  connections: num("BENCH_CONNECTIONS", 10),
  loginConnections: num("BENCH_LOGIN_CONNECTIONS", 8),
  memoryRequests: num("BENCH_MEMORY_REQUESTS", 200_000),
  floodConnections: env.BENCH_FLOOD_CONNECTIONS ? Number(env.BENCH_FLOOD_CONNECTIONS) : undefined,
  overloadConnections: num("BENCH_OVERLOAD_CONNECTIONS", 128),
  probeS: num("BENCH_PROBE_S", 20),
  logLevel: env.BENCH_LOG_LEVEL ?? "warn",
  only: env.BENCH_ONLY?.split(",").filter(Boolean),
  skip: new Set(env.BENCH_SKIP?.split(",").filter(Boolean) ?? []),
  cpuProfDir: env.BENCH_CPU_PROF,
  database: env.BENCH_DATABASE ?? "sg_bench",
  redisPrefix: env.BENCH_REDIS_PREFIX ?? "sg_bench:",
  mysqlRoot: env.BENCH_MYSQL_URL ?? "mysql://root@127.0.0.1:3306",
  redisUrl: env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/0",
  // metrics | tracing: a second API with that turned on, each row measured on both in turn (docs/operations.md).
  compare: env.BENCH_COMPARE as "metrics" | "tracing" | undefined,
};
if (settings.compare !== undefined && !["metrics", "tracing"].includes(settings.compare)) throw new Error("BENCH_COMPARE is metrics or tracing");

type Kind = "http" | "verify";
interface Scenario {
  name: string;
  server?: "app" | "baseline" | "variant";
  kind: Kind;
  baseline?: string;
  target?: number;
  /** The load for `durationS` seconds or `amount` requests. */
  spec?: (load: { durationS?: number; amount?: number; connections?: number }) => LoadSpec;
  /** Resets state before each run (addToCart empties the carts it fills). */
  before?: () => Promise<void>;
}

async function freshDependencies(): Promise<void> {
  const conn = await mysql.createConnection(settings.mysqlRoot);
  await conn.query(`DROP DATABASE IF EXISTS \`${settings.database}\``);
  await conn.query(`CREATE DATABASE \`${settings.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
  const redis = createClient({ url: settings.redisUrl });
  await redis.connect();
  for await (const keys of redis.scanIterator({ MATCH: `${settings.redisPrefix}*`, COUNT: 1000 })) if (keys.length) await redis.del(keys);
  await redis.close();
}

/** An SMTP server on loopback that takes every mail and keeps none. */
async function startMailSink(): Promise<{ url: string; close(): Promise<void> }> {
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData: (stream, _session, callback) => {
      stream.on("end", () => callback());
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => sink.listen(0, "127.0.0.1", () => resolve()));
  const { port } = sink.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => sink.close(() => resolve())) };
}

const isLoopback = (url: string) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);

const loadavg = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg();
  console.log(`bench: load average ${loadAtStart.join(" ")}; pinning ${PINNING ? "server on core 0, load on core 1" : "off"}`);
  await freshDependencies();
  const mailSink = await startMailSink();
  const serverEnv: Record<string, string> = {
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    DATABASE_URL: `${settings.mysqlRoot}/${settings.database}`,
    REDIS_URL: settings.redisUrl,
    REDIS_KEY_PREFIX: settings.redisPrefix,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    TWO_FACTOR_KEY: randomBytes(32).toString("base64"),
    TRUST_PROXY: "loopback",
    LOG_LEVEL: settings.logLevel,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    // The bench logs in thousands of times from one address; the limits are tested elsewhere.
    LOGIN_MAX_ATTEMPTS_PER_IP: "1000000000",
    LOGIN_MAX_FAILURES_PER_ACCOUNT: "1000000000",
    // Production needs a relay; the registrations' mails go to a local one that accepts and drops them.
    SMTP_URL: mailSink.url,
    MAIL_FROM: "Bench <bench@example.test>",
    PASSWORD_RESET_URL: "https://bench.example.test/reset-password?token={token}",
    EMAIL_VERIFICATION_URL: "https://bench.example.test/verify-email?token={token}",
    // The mail sender polls the outbox in the background; its statements would count against the rows measured.
    MAIL_POLL_INTERVAL_MS: "3600000",
    // Another run's API may hold the default metrics port; BENCH_COMPARE compares metrics on and off.
    METRICS_PORT: "0",
    // BENCH_APP_X=value passes X=value to the API (to try a setting, e.g. BENCH_APP_PASSWORD_HASH_NICE=0).
    ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("BENCH_APP_")).map(([k, v]) => [k.slice(10), v!])),
  };
  // The flood that just fills the API's hash queue: every login is admitted, none is refused.
  // The API's default hash concurrency follows the cores it may use, which is one when it is pinned.
  const { hashConcurrency, hashQueue } = loadConfig(serverEnv).limits;
  const serverConcurrency = serverEnv.PASSWORD_HASH_CONCURRENCY ? hashConcurrency : PINNING ? 1 : hashConcurrency;
  settings.floodConnections ??= serverConcurrency + hashQueue;
  // --expose-gc only makes gc() callable (by the memory check); it changes nothing else.
  const nodeArgs = [...API_NODE_FLAGS, "--expose-gc", ...(settings.cpuProfDir ? ["--cpu-prof", `--cpu-prof-dir=${settings.cpuProfDir}`] : [])];
  const app = await startServerProcess("api", "src/index.js", serverEnv, "/readyz", nodeArgs);
  const baseline = await startServerProcess("baseline", "bench/baseline-server.js", serverEnv, "/session");
  const servers: Record<string, ServerProcess> = { app, baseline };
  // With BENCH_COMPARE, the same API with metrics (or tracing, to a sink that takes every span) turned on.
  const sink = settings.compare === "tracing" ? await spanSink() : undefined;
  if (settings.compare) {
    const variantEnv =
      settings.compare === "metrics"
        ? { ...serverEnv, METRICS_PORT: String(await freePort()) }
        : { ...serverEnv, OTEL_EXPORTER_OTLP_ENDPOINT: sink!.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" };
    servers.variant = await startServerProcess(`api (${settings.compare} on)`, "src/index.js", variantEnv, "/readyz", nodeArgs);
  }
  try {
    const o = app.origin;
    // 20 sessions read, the rest add to their carts: an addToCart run stops adding to a line at 99 (the
    // contract's cap, an error), so 150 sessions of 5 lines hold 74,250 adds, 5 s at over 14,000 a second.
    const users = await makeUsers(o, 170, "u");
    const meCookies = users.slice(0, 20).map((u) => u.cookie);
    const shop = await accepts(o, `{ products(first: 1) { totalCount } cart { itemCount } }`);
    let products: string[] = [];
    const cartOne = shop ? (await makeUsers(o, 1, "cart1"))[0].cookie : "";
    if (shop) {
      products = await makeProducts(o, 120);
      for (const cookie of meCookies) await fillCart(o, cookie, products.slice(0, 5));
      await fillCart(o, cartOne, products.slice(0, 1));
    }
    const adders = users.slice(20).map((u) => u.cookie);

    const graphql = (query: string, variables?: object) => JSON.stringify({ query, variables });
    const http = (server: ServerProcess, method: "GET" | "POST", urlPath: string, extra: Partial<LoadSpec> = {}) =>
      (load: { durationS?: number; amount?: number; connections?: number }): LoadSpec => ({
        url: server.origin + urlPath,
        method,
        headers: method === "POST" ? BENCH_HEADERS : { "x-forwarded-proto": "https" },
        connections: load.connections ?? settings.connections,
        durationS: load.durationS,
        amount: load.amount,
        failIfContains: method === "POST" ? `"errors"` : undefined,
        ...extra,
      });
    const cookies = (list: string[]) => list.map((cookie) => ({ cookie }));
    const ME = graphql(`{ me { id email name role createdAt } }`);
    const PRODUCTS = (first: number) => graphql(`query($first: Int) { products(first: $first) { totalCount edges { cursor node { id sku name priceCents stock } } pageInfo { hasNextPage endCursor } } }`, { first });
    const CART = graphql(`{ cart { itemCount totalCents lines { quantity lineTotalCents product { id name priceCents } } } }`);
    // Every session in turn, each adding the next of 5 products: at most 5 lines, none near the 99 cap.
    const adds = products.slice(0, 5).flatMap((productId) => adders.map((cookie) => ({ cookie, body: graphql(ADD_TO_CART, { productId }) })));

    const scenarios: Scenario[] = [
      { name: "baseline (session read, logged in)", server: "baseline", kind: "http", spec: http(baseline, "GET", "/session", { variants: cookies(meCookies) }) },
      { name: "me (logged in)", server: "app", kind: "http", baseline: "baseline (session read, logged in)", target: 0.6, spec: http(app, "POST", "/graphql", { body: ME, variants: cookies(meCookies) }) },
      { name: "baseline (session read, anonymous)", server: "baseline", kind: "http", spec: http(baseline, "GET", "/session") },
      { name: "me (anonymous)", server: "app", kind: "http", baseline: "baseline (session read, anonymous)", target: 0.8, spec: http(app, "POST", "/graphql", { body: ME }) },
      ...(shop
        ? ([
            { name: "cart (5 lines)", server: "app", kind: "http", baseline: "baseline (session read, logged in)", target: 0.5, spec: http(app, "POST", "/graphql", { body: CART, variants: cookies(meCookies) }) },
            { name: "products(first: 20)", server: "app", kind: "http", baseline: "baseline (session read, anonymous)", target: 0.5, spec: http(app, "POST", "/graphql", { body: PRODUCTS(20) }) },
            {
              name: "addToCart",
              server: "app",
              kind: "http",
              baseline: "baseline (session read, logged in)",
              target: 0.4,
              spec: http(app, "POST", "/graphql", { variants: adds }),
              before: async () => {
                for (const cookie of adders) await ok(o, `mutation { clearCart { itemCount } }`, undefined, cookie);
              },
            },
          ] as Scenario[])
        : []),
      { name: "raw argon2id verify", kind: "verify" },
      {
        name: "login",
        server: "app",
        kind: "http",
        baseline: "raw argon2id verify",
        target: 0.8,
        spec: http(app, "POST", "/graphql", {
          variants: users.map((u) => ({ body: graphql(LOGIN, { email: u.email, password: PASSWORD }) })),
        }),
      },
    ];
    // Each API row, then the same on the variant with its ratio to that row: alternating, in the same rounds.
    if (servers.variant) {
      const variant = servers.variant;
      for (let i = scenarios.length - 1; i >= 0; i--) {
        const s = scenarios[i];
        if (s.server !== "app") continue;
        scenarios.splice(i + 1, 0, {
          ...s,
          name: `${s.name} [${settings.compare} on]`,
          server: "variant",
          baseline: s.name,
          // The budget: metrics cost under 5% of any row; tracing's cost is reported, not targeted.
          target: settings.compare === "metrics" ? 0.95 : undefined,
          spec: (load) => {
            const spec = s.spec!(load);
            return { ...spec, url: spec.url.replace(app.origin, variant.origin) };
          },
        });
      }
    }
    const selected = scenarios.filter((s) => !settings.only || settings.only.some((prefix) => s.name.startsWith(prefix)));
    const wanted = new Set(selected.flatMap((s) => [s.name, ...(s.baseline ? [s.baseline] : [])]));
    const active = scenarios.filter((s) => wanted.has(s.name));

    type Run = Measurement & { peakRssMb?: number; cpuUsPerOp?: number; dbCpuUsPerOp?: number; redisCpuUsPerOp?: number; loadgenCpu?: number };
    // The database's and Redis's share of each operation, when they run on this machine: whole processes,
    // so their background work counts too (on a quiet machine, next to nothing).
    const dbCpu = isLoopback(settings.mysqlRoot) ? localServerCpu(["mariadbd", "mysqld"]) : undefined;
    const redisCpu = isLoopback(settings.redisUrl) ? localServerCpu(["redis-server"]) : undefined;
    const perRequest = (seconds: number, requests: number) => (seconds * 1e6) / Math.max(1, requests);
    const measure = async (s: Scenario, load: { durationS?: number; amount?: number; connections?: number }): Promise<Run> => {
      await s.before?.();
      if (s.kind === "verify") {
        return runOnServerCore<Measurement>("raw-verify.js", [String(settings.loginConnections), String(load.durationS ?? settings.durationS)]);
      }
      const server = servers[s.server!];
      server.resetPeak();
      const spec = s.spec!(load);
      if (s.name.startsWith("login")) spec.connections = settings.loginConnections;
      const [cpuBefore, dbBefore, redisBefore] = [server.cpuSeconds(), dbCpu?.(), redisCpu?.()];
      const result = await runOnLoadCore<Measurement & { loadgenCpu: number }>("load.js", [], JSON.stringify(spec));
      return {
        ...result,
        cpuUsPerOp: perRequest(server.cpuSeconds() - cpuBefore, result.requests),
        dbCpuUsPerOp: dbCpu ? perRequest(dbCpu() - dbBefore!, result.requests) : undefined,
        redisCpuUsPerOp: redisCpu ? perRequest(redisCpu() - redisBefore!, result.requests) : undefined,
        peakRssMb: server.memory().peakRssMb,
      };
    };

    // A warm-up is counted in operations, really: V8 optimizes a function after enough calls. Logins run
    // about a hundredth as often as the other rows, so in the same few seconds their code is still being
    // compiled (measured: 4.7 ms of request-thread CPU per login after 2 s, 3.3 ms after 60 s).
    const warmupOf = (s: Scenario) => (s.name.startsWith("login") ? settings.loginWarmupS : settings.warmupS);
    console.log(`bench: warming up (${settings.warmupS}s each, ${settings.loginWarmupS}s for login)`);
    for (const s of active) await measure(s, { durationS: warmupOf(s) });

    const rounds: Record<string, Run[]> = {};
    for (let r = 1; r <= settings.rounds; r++) {
      console.log(`bench: round ${r}/${settings.rounds}`);
      for (const s of active) {
        const m = await measure(s, { durationS: settings.durationS });
        (rounds[s.name] ??= []).push(m);
        console.log(`  ${s.name.padEnd(36)} ${m.rps.toFixed(0).padStart(7)} req/s  p50 ${m.p50.toFixed(2)} ms  p99 ${m.p99.toFixed(2)} ms  cpu ${m.cpuUsPerOp?.toFixed(0) ?? "–"} µs/op (MySQL ${m.dbCpuUsPerOp?.toFixed(0) ?? "–"}, Redis ${m.redisCpuUsPerOp?.toFixed(0) ?? "–"})${m.failures ? `  FAILURES ${m.failures}` : ""}`);
      }
    }

    // Statements per operation, counted by the drivers while a fixed number of requests run.
    const perOp: Record<string, { sql: number; redis: number; statements: Array<[string, number]> }> = {};
    if (!settings.skip.has("count")) {
      const countRuns: Array<[string, Scenario, Partial<LoadSpec>]> = [];
      for (const s of active) if (s.kind === "http") countRuns.push([s.name, s, {}]);
      if (shop && wanted.has("products(first: 20)")) {
        const p = active.find((s) => s.name === "products(first: 20)")!;
        countRuns.push(["products(first: 1)", p, { body: PRODUCTS(1) }], ["products(first: 100)", p, { body: PRODUCTS(100) }]);
        countRuns.push(["cart (1 line)", active.find((s) => s.name === "cart (5 lines)")!, { variants: [{ cookie: cartOne }] }]);
      }
      for (const [name, s, override] of countRuns) {
        await s.before?.();
        const server = servers[s.server!];
        const amount = s.name === "login" ? 100 : 500;
        server.countStart();
        const spec = { ...s.spec!({ amount, connections: 4 }), ...override };
        const result = await runOnLoadCore<Measurement>("load.js", [], JSON.stringify(spec));
        const counts = await server.countStop();
        if (result.failures) console.log(`  ${name}: ${result.failures} failures while counting`);
        perOp[name] = { sql: counts.sql / amount, redis: counts.redis / amount, statements: counts.statements.map(([q, n]) => [q, n / amount]) };
      }
    }

    // me's latency at a steady, modest rate: idle, then while logins flood in. A flood that fits in the
    // hash queue (PASSWORD_HASH_CONCURRENCY + PASSWORD_HASH_QUEUE connections) shows whether hashing starves other requests; an
    // overload flood (far more connections) shows the cost of refusing logins with SERVICE_UNAVAILABLE.
    const floods: Record<string, unknown> = {};
    if (!settings.skip.has("flood")) {
      const loginSpec = scenarios.find((s) => s.name === "login")!.spec!;
      const probe = () => runOnLoadCore<Measurement>("load.js", [], JSON.stringify({ ...http(app, "POST", "/graphql", { body: ME, variants: cookies(meCookies) })({ durationS: settings.probeS, connections: 2 }), rate: 100 }));
      for (const [label, connections] of [["queue-sized", settings.floodConnections!], ["overload", settings.overloadConnections]] as const) {
        console.log(`bench: me p99 idle vs during a ${label} login flood (${connections} connections)`);
        const idle = await probe();
        const flooding = runOnLoadCore<Measurement & { statuses: Record<string, number> }>("load.js", [], JSON.stringify({ ...loginSpec({ durationS: settings.probeS + 2, connections }), failIfContains: undefined }));
        await new Promise((r) => setTimeout(r, 1000));
        const during = await probe();
        const floodResult = await flooding;
        floods[label] = { connections, idle, during, ratioP99: during.p99 / idle.p99, logins: floodResult };
        console.log(`  idle p99 ${idle.p99.toFixed(2)} ms, during flood p99 ${during.p99.toFixed(2)} ms (${(during.p99 / idle.p99).toFixed(2)}x); login statuses ${JSON.stringify(floodResult.statuses)}`);
      }
    }

    // RSS after 20,000 and after 200,000 requests of a mix of reads.
    let memory: Record<string, unknown> | undefined;
    if (!settings.skip.has("memory")) {
      const mix = [{ body: ME, cookie: meCookies[0] }, { body: ME }, ...(shop ? [{ body: PRODUCTS(20) }, { body: CART, cookie: meCookies[1] }] : [])];
      // A fresh API process (same database and sessions), so what the earlier runs left behind (the login
      // floods' hashing memory, a heap grown under 128 connections) does not blur the comparison.
      await app.stop();
      const fresh = await startServerProcess("api (memory check)", "src/index.js", serverEnv, "/readyz", nodeArgs);
      servers.fresh = fresh;
      const mixed = (amount: number) => runOnLoadCore<Measurement>("load.js", [], JSON.stringify(http(fresh, "POST", "/graphql", { variants: mix })({ amount })));
      const first = Math.round(settings.memoryRequests / 10);
      console.log(`bench: memory (${first} then ${settings.memoryRequests} mixed requests)`);
      // The RSS at one instant depends on where in its garbage-collection cycle the process is; the peak
      // over a window of requests does not: the first tenth of the requests, and the last.
      fresh.resetPeak();
      await mixed(first);
      const { rssMb: rss20k, peakRssMb: peak20k } = fresh.memory();
      const kept20k = await fresh.collect();
      await mixed(settings.memoryRequests - 2 * first);
      fresh.resetPeak();
      await mixed(first);
      const { rssMb: rss200k, peakRssMb: peak200k } = fresh.memory();
      const kept200k = await fresh.collect();
      memory = {
        requests: [first, settings.memoryRequests],
        peakRssMb: [peak20k, peak200k],
        peakGrowth: peak200k / peak20k - 1,
        rssMb: [rss20k, rss200k],
        growth: rss200k / rss20k - 1,
        afterGc: { rssMb: [kept20k.rssMb, kept200k.rssMb], heapUsedMb: [kept20k.heapUsedMb, kept200k.heapUsedMb], growth: kept200k.rssMb / kept20k.rssMb - 1 },
      };
      console.log(`  peak RSS ${peak20k.toFixed(1)} MB over the first ${first}, ${peak200k.toFixed(1)} MB over the last ${first}; RSS ${rss20k.toFixed(1)} MB after ${first}, ${rss200k.toFixed(1)} MB after ${settings.memoryRequests}; after a full GC ${kept20k.rssMb.toFixed(1)} and ${kept200k.rssMb.toFixed(1)} MB (heap ${kept20k.heapUsedMb.toFixed(1)} and ${kept200k.heapUsedMb.toFixed(1)} MB)`);
    }

    // What each cache holds when full (the defaults), in a process of its own: bench/cache-memory.ts.
    let cacheMemory: unknown;
    if (!settings.skip.has("caches")) {
      console.log("bench: cache memory (each cache filled to its default size)");
      const out = execFileSync(process.execPath, ["--expose-gc", path.join(ROOT, "dist", "bench", "cache-memory.js")], { encoding: "utf8" });
      cacheMemory = JSON.parse(out.trim().split("\n").pop()!);
    }

    const results = active.map((s) => {
      const runs = rounds[s.name] ?? [];
      const base = s.baseline ? rounds[s.baseline] : undefined;
      const ratios = base ? runs.map((m, i) => m.rps / base[i].rps) : [];
      return {
        name: s.name,
        rps: median(runs.map((m) => m.rps)),
        p50: median(runs.map((m) => m.p50)),
        p99: median(runs.map((m) => m.p99)),
        failures: runs.reduce((n, m) => n + m.failures, 0),
        baseline: s.baseline ?? null,
        ratio: ratios.length ? median(ratios) : null,
        target: s.target ?? null,
        sqlPerOp: perOp[s.name]?.sql ?? null,
        redisPerOp: perOp[s.name]?.redis ?? null,
        cpuUsPerOp: median(runs.map((m) => m.cpuUsPerOp ?? NaN)),
        dbCpuUsPerOp: median(runs.map((m) => m.dbCpuUsPerOp ?? NaN)),
        redisCpuUsPerOp: median(runs.map((m) => m.redisCpuUsPerOp ?? NaN)),
        peakRssMb: Math.max(...runs.map((m) => m.peakRssMb ?? NaN)),
        loadgenCpu: median(runs.map((m) => m.loadgenCpu ?? NaN)),
        rounds: runs,
      };
    });
    const report = {
      startedAt,
      finishedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg(), pinning: PINNING },
      commit: gitCommit(),
      settings: { ...settings, skip: [...settings.skip] },
      shop,
      results,
      statementsPerOperation: perOp,
      floods,
      memory,
      cacheMemory,
    };
    printTable(report);
    const dir = path.join(ROOT, "bench", "results");
    mkdirSync(dir, { recursive: true });
    // A bare name goes to bench/results; an absolute path is taken as it is.
    writeFileSync(path.resolve(dir, env.BENCH_OUTPUT ?? "latest.json"), JSON.stringify(report, null, 2) + "\n");
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
    await sink?.close();
    await mailSink.close();
  }
}

/** An OTLP/HTTP receiver that takes every export and keeps nothing, for BENCH_COMPARE=tracing. */
async function spanSink(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { endpoint: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function gitCommit(): string | null {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT }).toString().trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "src"], { cwd: ROOT }).toString().trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return null;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
