import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** A gauge whose values are read at scrape time, e.g. the mail outbox's backlog and oldest age. */
export interface GaugeSource {
  /** Metric name, e.g. `sessiongraph_outbox_backlog`. */
  name: string;
  help: string;
  /** Read once per scrape; may be async (a query). */
  read(): number | Promise<number>;
}

/** Why a login was refused before or after its hash: what operators alert on. */
export type LoginThrottle = "ip" | "account" | "known_client" | "password_check" | "email_change" | "anon_session";

/**
 * The API's Prometheus metrics, one registry per running server (tests run several in one process).
 * Recording is a few counter increments per request; the registry is only serialized when scraped, on
 * the metrics port of its own (metrics-server.ts).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operations = new Counter({
    name: "sessiongraph_graphql_operations_total",
    help: "GraphQL requests by operation name (a known operation, else other) and outcome (ok, or the first error code)",
    labelNames: ["operation", "outcome"] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: "sessiongraph_graphql_operation_duration_seconds",
    help: "Time from the request's arrival to the response's end, by operation name",
    labelNames: ["operation"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly hashWait = new Histogram({
    name: "sessiongraph_password_hash_wait_seconds",
    help: "How long a password hash waited for a free hashing thread",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2],
    registers: [this.registry],
  });
  private readonly loginFailures = new Counter({
    name: "sessiongraph_login_failures_total",
    help: "Logins refused for a wrong email or password",
    registers: [this.registry],
  });
  private readonly loginThrottles = new Counter({
    name: "sessiongraph_login_throttled_total",
    help: "Login and password attempts refused by a rate limit, by the limit that refused them",
    labelNames: ["limit"] as const,
    registers: [this.registry],
  });

  constructor(defaultMetrics = true) {
    if (defaultMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /** One GraphQL request's end, the same call for the fast path and Apollo's (operation-metrics.ts). */
  recordOperation(operation: string, outcome: string, seconds: number): void {
    this.operations.inc({ operation, outcome });
    this.duration.observe({ operation }, seconds);
  }

  hashWaited(seconds: number): void {
    this.hashWait.observe(seconds);
  }

  loginFailed(): void {
    this.loginFailures.inc();
  }

  loginThrottled(limit: LoginThrottle): void {
    this.loginThrottles.inc({ limit });
  }

  /** Adds a gauge read at scrape time: how the running server exposes queue depths, pool use and the like. */
  gauge(source: GaugeSource): void {
    new Gauge({
      name: source.name,
      help: source.help,
      registers: [this.registry],
      async collect() {
        this.set(await source.read());
      },
    });
  }

  /** Adds a gauge with one label read at scrape time, e.g. up{dependency}. */
  labelledGauge(name: string, help: string, label: string, read: () => Promise<Record<string, number>>): void {
    new Gauge({
      name,
      help,
      labelNames: [label],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const [value, n] of Object.entries(await read())) this.set({ [label]: value }, n);
      },
    });
  }
}
