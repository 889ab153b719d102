import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config";
import { registerUser } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import { scrape, value } from "./helpers/metrics";
import { freePort } from "./helpers/ports";
import { startPrometheus } from "./helpers/prometheus";
import { processEnv, startTestServer } from "./helpers/server";

const OPERATIONS = "sessiongraph_graphql_operations_total";

async function post(instance: Instance, payload: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(instance.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  return { status: res.status, body: await res.json() };
}

describe("metrics on a port of their own, the same from the fast path and from Apollo", () => {
  let fast: Instance;
  let apolloOnly: Instance;
  let fastMetrics: string;
  let apolloMetrics: string;

  before(async () => {
    const env = await processEnv("metrics", { LOGIN_MAX_FAILURES_PER_ACCOUNT: "2", METRICS_OPERATION_NAMES: "20" });
    const [fastPort, apolloPort] = [await freePort(), await freePort()];
    fast = await startInstance({ ...env, METRICS_PORT: String(fastPort) });
    apolloOnly = await startInstance({ ...env, METRICS_PORT: String(apolloPort), GRAPHQL_PREPARED_DOCUMENTS: "0" });
    fastMetrics = `http://127.0.0.1:${fastPort}/metrics`;
    apolloMetrics = `http://127.0.0.1:${apolloPort}/metrics`;
  });
  after(async () => {
    await fast?.stop();
    await apolloOnly?.stop();
  });

  it("serves GET /metrics on METRICS_PORT only, with the process's metrics, the dependencies, the hash queue and the pool", async () => {
    const res = await fetch(fastMetrics);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
    assert.equal((await fetch(fast.url.replace(/\/graphql$/, "/metrics"))).status, 404, "never on the API's port");
    assert.equal((await fetch(fastMetrics.replace(/\/metrics$/, "/other"))).status, 404);
    const samples = await scrape(fastMetrics);
    assert.equal(value(samples, "sessiongraph_up", { dependency: "mysql" }), 1);
    assert.equal(value(samples, "sessiongraph_up", { dependency: "redis" }), 1);
    for (const name of [
      "process_cpu_user_seconds_total",
      "nodejs_eventloop_lag_seconds",
      "sessiongraph_password_hash_queue_depth",
      "sessiongraph_password_hash_running",
      "sessiongraph_password_hash_queue_capacity",
      "sessiongraph_db_pool_in_use",
      "sessiongraph_db_pool_waiting",
    ]) {
      assert.ok(samples.some((s) => s.name === name), `${name} is exported`);
    }
    assert.equal(value(samples, "sessiongraph_password_hash_queue_capacity"), 32);
    const open = value(samples, "sessiongraph_db_pool_open");
    assert.ok(open >= 1, "the pool's figures are read from mysql2's pool");
    // The scrape's own outbox query may hold one while the pool is read.
    const inUse = value(samples, "sessiongraph_db_pool_in_use");
    assert.ok(inUse >= 0 && inUse <= open, `in use ${inUse} of ${open}`);
    assert.equal(value(samples, "sessiongraph_db_pool_waiting"), 0);
  });

  it("counts every request, the fast path's too, exactly as the Apollo-only instance counts them", async () => {
    const query = { query: "query Me { me { id } }" };
    for (let i = 0; i < 4; i++) {
      assert.deepEqual((await post(fast, query)).body, { data: { me: null } });
      assert.deepEqual((await post(apolloOnly, query)).body, { data: { me: null } });
    }
    // A request's log line is written when its response closes, which can be just after the client has read it.
    const meLines = () => fast.logLines().filter((l) => l.graphql?.operationName === "Me");
    for (let waited = 0; meLines().length < 4 && waited < 2000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    const prepared = meLines().filter((l) => l.graphql?.prepared === true);
    assert.equal(prepared.length, 3, "the second and later requests were served by the fast path");
    for (const url of [fastMetrics, apolloMetrics]) {
      const samples = await scrape(url);
      assert.equal(value(samples, OPERATIONS, { operation: "Me", outcome: "ok" }), 4, url);
      assert.equal(value(samples, "sessiongraph_graphql_operation_duration_seconds_count", { operation: "Me" }), 4, url);
    }
  });

  it("counts login failures and throttles, and the outcome of each request by its error code", async () => {
    const client = fast.client();
    const user = await registerUser(client);
    const loginDocument = "mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { id } }";
    const attempt = () => post(fast, { query: loginDocument, variables: { email: user.email, password: "not the password at all" } });
    for (let i = 0; i < 2; i++) assert.equal((await attempt()).body.errors[0].extensions.code, "BAD_USER_INPUT");
    assert.equal((await attempt()).body.errors[0].extensions.code, "TOO_MANY_REQUESTS");
    const samples = await scrape(fastMetrics);
    assert.equal(value(samples, "sessiongraph_login_failures_total"), 2);
    assert.equal(value(samples, "sessiongraph_login_throttled_total", { limit: "account" }), 1);
    assert.equal(value(samples, OPERATIONS, { operation: "Login", outcome: "BAD_USER_INPUT" }), 2);
    assert.equal(value(samples, OPERATIONS, { operation: "Login", outcome: "TOO_MANY_REQUESTS" }), 1);
    const wait = samples.find((s) => s.name === "sessiongraph_password_hash_wait_seconds_count");
    assert.ok(wait && wait.value >= 3, "each hash's wait is observed (register and two verifications)");
  });

  it("keeps operation names bounded: 300 random names give METRICS_OPERATION_NAMES labels, the rest count as other", async () => {
    const before = await scrape(fastMetrics);
    const otherBefore = before.filter((s) => s.name === OPERATIONS && s.labels.operation === "other").reduce((n, s) => n + s.value, 0);
    // Me and Login, learned by the tests above, took two of the 20.
    const learned = new Set(before.filter((s) => s.name === OPERATIONS && s.labels.operation !== "other").map((s) => s.labels.operation));
    for (let i = 0; i < 300; i++) {
      const name = `R_${randomBytes(6).toString("hex")}`;
      const valid = { query: `query ${name} { me { id } }` };
      assert.equal((await post(fast, valid)).status, 200);
      assert.equal((await post(fast, valid)).status, 200);
      assert.equal((await post(fast, { query: `query ${name}X { nope }` })).status, 400);
    }
    const samples = (await scrape(fastMetrics)).filter((s) => s.name === OPERATIONS);
    const random = new Set(samples.map((s) => s.labels.operation).filter((name) => name.startsWith("R_")));
    assert.equal(random.size + learned.size, 20, "the first valid names up to 20 in all, no more");
    const labels = new Set(samples.map((s) => s.labels.operation));
    assert.equal(labels.size, 20 + 1, `bounded label values (20 names and other): ${[...labels].join(", ")}`);
    const other = samples.filter((s) => s.labels.operation === "other").reduce((n, s) => n + s.value, 0);
    assert.equal(other - otherBefore, (300 - random.size) * 2 + 300, "every other request is still counted, as other");
    assert.ok(samples.some((s) => s.labels.operation === "other" && s.labels.outcome === "GRAPHQL_VALIDATION_FAILED"));
  });

  it("a real Prometheus scrapes it and answers a query for one of its metrics", async () => {
    const prometheus = await startPrometheus(new URL(fastMetrics).host);
    try {
      const deadline = Date.now() + 60_000;
      let result: Awaited<ReturnType<typeof prometheus.query>> = [];
      while (Date.now() < deadline) {
        result = await prometheus.query(`${OPERATIONS}{operation="Me",outcome="ok"}`);
        if (result.length) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(result.length, 1, "Prometheus has the series");
      assert.equal(result[0].metric.job, "sessiongraph");
      assert.equal(Number(result[0].value[1]), 4);
      const up = await prometheus.query(`sessiongraph_up{dependency="redis"}`);
      assert.equal(up[0]?.value[1], "1");
    } finally {
      await prometheus.stop();
    }
  });
});

describe("metrics: gauges plugged in by the running server, and nothing of OpenTelemetry loaded without an endpoint", () => {
  it("exposes a gauge source given at start (how the mail outbox's backlog is plugged in)", async () => {
    let backlog = 3;
    const server = await startTestServer(
      "metrics_gauges",
      { METRICS_PORT: String(await freePort()) },
      { gauges: () => [{ name: "sessiongraph_test_backlog", help: "a backlog", read: async () => backlog }] },
    );
    try {
      assert.equal(value(await scrape(server.metricsUrl!), "sessiongraph_test_backlog"), 3);
      backlog = 5;
      assert.equal(value(await scrape(server.metricsUrl!), "sessiongraph_test_backlog"), 5, "read at each scrape");
      const loaded = Object.keys(require.cache).filter((file) => /@opentelemetry[\\/](sdk-|instrumentation|exporter)/.test(file));
      assert.deepEqual(loaded, [], "OpenTelemetry's SDK is not loaded when OTEL_EXPORTER_OTLP_ENDPOINT is unset");
    } finally {
      await server.close();
    }
  });

  it("exposes the mail outbox's backlog and the age of its oldest mail", async () => {
    // Nothing listens on port 1: the mail a registration enqueues stays pending.
    const server = await startTestServer("metrics_outbox", { METRICS_PORT: String(await freePort()), SMTP_URL: "smtp://127.0.0.1:1" });
    try {
      const before = await scrape(server.metricsUrl!);
      assert.equal(value(before, "sessiongraph_outbox_backlog"), 0);
      assert.equal(value(before, "sessiongraph_outbox_oldest_age_seconds"), 0);
      await registerUser(server.client());
      await new Promise((r) => setTimeout(r, 1500));
      const after = await scrape(server.metricsUrl!);
      assert.equal(value(after, "sessiongraph_outbox_backlog"), 1, "the verification mail waits");
      assert.ok(value(after, "sessiongraph_outbox_oldest_age_seconds") >= 1, "and has waited since the registration");
    } finally {
      await server.close();
    }
  });

  it("a metrics port already taken stops the start, and bad settings name their variable", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      await assert.rejects(startTestServer("metrics_taken", { METRICS_PORT: String(port) }), /EADDRINUSE/);
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
    assert.throws(() => loadConfig({ PORT: "4000", METRICS_PORT: "4000" }), /METRICS_PORT must differ from PORT/);
    assert.throws(() => loadConfig({ METRICS_PORT: "70000" }), /METRICS_PORT/);
    assert.throws(() => loadConfig({ METRICS_OPERATION_NAMES: "-1" }), /METRICS_OPERATION_NAMES/);
    assert.throws(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://collector" }), /OTEL_EXPORTER_OTLP_ENDPOINT/);
    assert.deepEqual(loadConfig({}).metrics, { port: 9464, host: "127.0.0.1", operationNames: 100 });
    assert.equal(loadConfig({}).tracing, false);
  });

  it("METRICS_PORT=0 serves no metrics and records nothing", async () => {
    const server = await startTestServer("metrics_off");
    try {
      assert.equal(server.metricsUrl, undefined);
      assert.equal(server.services.metrics, undefined);
    } finally {
      await server.close();
    }
  });
});
