import "reflect-metadata";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MikroORM, type Options } from "@mikro-orm/core";
import pino, { type Logger } from "pino";
import { createApp, type AppExtensions } from "./app";
import { PasswordHasher } from "./secrets/password-hasher";
import { startUserCache } from "./user-cache/user-invalidation";
import { startInvalidation } from "./cache/start-invalidation";
import type { Invalidation } from "./cache/invalidation";
import { startCatalogCache } from "./cache/catalog-cache";
import { startCartCache } from "./cache/cart-cache";
import { guardCartWrites } from "./cart/cart-writes";
import { guardUserWrites } from "./user-cache/user-writes";
import { guardCatalogWrites } from "./catalog/catalog-writes";
import type { Config } from "./config";
import { guestCartMaxAgeS, startCartSweeper } from "./cart/cart-sweeper";
import { bootstrapAdmin } from "./users/bootstrap-admin";
import { migrate } from "./db/migrate";
import { seedDemoCatalogOnFirstStart } from "./catalog/seed-catalog";
import { startReplicaReads } from "./db/replicas/start-replicas";
import type { ReplicaReads } from "./db/replicas/replica-reads";
import { poolLoad } from "./db/pool-load";
import { dependencyStatus } from "./http/health";
import { LoginLimits } from "./limits/login-limits";
import { MailSender } from "./mail/mail-sender";
import { outboxStats } from "./mail/outbox";
import { createTransport } from "./mail/transport";
import { handleResetRequests } from "./recovery/reset-requests";
import { ormOptions } from "./mikro-orm.config";
import { Metrics, type GaugeSource } from "./observability/metrics";
import { startMetricsServer, type MetricsServer } from "./observability/metrics-server";
import type { Services } from "./services";
import { startSecurityLogPruner } from "./security-log/prune";
import { SessionBackend } from "./sessions/session-backend";
import type { Clock } from "./sessions/session-data";
import { twoFactorBox } from "./two-factor/keys";

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  httpServer: Server;
  /** Whether repeated documents skip Apollo's pipeline (app.ts). */
  fastPath: boolean;
  /** http://host:port/metrics, when METRICS_PORT is not 0. */
  metricsUrl?: string;
  close(): Promise<void>;
}

export interface ServerExtensions extends AppExtensions {
  /** More gauges read at scrape time, e.g. the mail outbox's backlog and oldest age (docs/operations.md). */
  gauges?: (services: Services) => GaugeSource[];
  /** The logger to use instead of one on stdout (tests read what the server warns). */
  log?: Logger;
  /** The clock session timeouts are decided by (Date.now); tests pass one they can move forward. */
  clock?: Clock;
}

/** Starts everything: database (with migrations), sessions, the admin bootstrap, then HTTP. */
export async function startServer(config: Config, ormOverrides: Partial<Options> = {}, extensions: ServerExtensions = {}): Promise<RunningServer> {
  // Before MySQL, Redis and HTTP are used, and not even loaded when off (it patches those modules).
  const tracing = config.tracing ? (await import("./observability/tracing")).startTracing() : undefined;
  const log = extensions.log ?? pino({
    level: config.logLevel,
    redact: { paths: ["req.headers.cookie", "res.headers['set-cookie']", "*.password", "*.passwordHash"], censor: "[redacted]" },
  });
  const orm = await MikroORM.init(ormOptions(config, ormOverrides));
  let sessions: SessionBackend | undefined;
  let hasher: PasswordHasher | undefined;
  let invalidation: Invalidation | undefined;
  let replicaReads: ReplicaReads | undefined;
  let metricsServer: MetricsServer | undefined;
  try {
    const metrics = config.metrics.port !== 0 ? new Metrics() : undefined;
    await migrate(orm, config);
    // From here on, a write to users outside writeUser, to products outside writeCatalog, or to carts outside
    // writeCart is refused (the migrations may rewrite them freely): any of them would leave a cache stale.
    const onQuery = orm.config.get("onQuery");
    orm.config.set("onQuery", (sql, params) => onQuery(guardCartWrites(guardCatalogWrites(guardUserWrites(sql))), params));
    replicaReads = await startReplicaReads(orm, config, log);
    sessions = await SessionBackend.create(config, extensions.clock);
    // A failed invalidation is retried as long as the longest-lived cached value lives.
    const retryForMs = Math.max(config.userCache.ttlS * 1000, config.catalogCache.ttlMs, config.cartCache.ttlMs);
    invalidation = await startInvalidation(config, sessions.connection, log, retryForMs);
    const { cache: userCache, invalidation: userInvalidation } = startUserCache(config, invalidation);
    const { cache: catalogCache, invalidation: catalogInvalidation } = startCatalogCache(config, invalidation);
    const { cache: cartCache, invalidation: cartInvalidation } = startCartCache(config, invalidation);
    // A login still waiting when the dependency timeout has passed is refused rather than hashed late.
    hasher = new PasswordHasher(config.limits.hashConcurrency, config.limits.hashQueue, config.limits.hashNice, config.dependencyTimeoutMs);
    await bootstrapAdmin(orm.em.fork(), config, hasher, log);
    const demoProducts = await seedDemoCatalogOnFirstStart({ em: orm.em.fork(), services: { catalogInvalidation } }, config);
    if (demoProducts) log.info({ products: demoProducts }, `loaded the demo catalog (${demoProducts} products) into the fresh embedded database`);
    const limits = LoginLimits.create(config, sessions.redis, metrics && ((limit) => metrics.loginThrottled(limit)));
    const secretBox = twoFactorBox(config, (msg) => log.warn(msg));
    const services: Services = {
      config, orm, replicaReads, sessions, hasher, limits, userCache, userInvalidation, catalogCache, catalogInvalidation, cartCache, cartInvalidation,
      invalidation, secretBox, log, metrics, tracing,
    };
    if (metrics) {
      registerGauges(metrics, services);
      for (const gauge of extensions.gauges?.(services) ?? []) metrics.gauge(gauge);
      metricsServer = await startMetricsServer(metrics, config.metrics.port, config.metrics.host);
      log.info({ url: metricsServer.url }, "metrics listening");
    }

    const httpServer = createServer();
    const app = await createApp(services, httpServer, extensions);
    httpServer.on("request", app.handler);
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, resolve);
    });
    const { port } = httpServer.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
    log.info({ port, database: config.database.kind, sessions: config.redis ? `redis ${config.redis.topology.kind}` : "memory" }, "sessiongraph listening");

    const stopCartSweeper = startCartSweeper({ em: orm.em, services }, guestCartMaxAgeS(config.session), log);
    const stopPruner = startSecurityLogPruner(orm.em, config.securityLog.retentionDays, log);
    const mailSender = new MailSender(orm.em, config.mail, createTransport(config.mail, log), log, [
      (em) => handleResetRequests(em, config.mail),
    ]).start();
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        stopCartSweeper();
        stopPruner();
        // Each step runs even when one before it failed (a dependency that died): a step skipped would leave
        // its threads or sockets holding the process open.
        const steps: Array<[string, () => Promise<unknown> | undefined]> = [
          ["apollo", () => app.apollo.stop()], // stops accepting, waits for in-flight requests (drain plugin)
          ["mail sender", () => mailSender.stop()],
          ["cache invalidation", () => invalidation!.close()],
          ["sessions", () => sessions!.close()],
          ["password hasher", () => hasher!.close()],
          ["replica reads", () => replicaReads!.stop()],
          ["database", () => orm.close(true)],
          ["metrics", () => metricsServer?.close()],
          ["tracing", () => tracing?.flush()],
        ];
        for (const [name, step] of steps) {
          try {
            await step();
          } catch (err) {
            log.warn({ err, step: name }, "a shutdown step failed; going on with the others");
          }
        }
      })());
    return { url: `http://${host}:${port}/graphql`, port, services, httpServer, fastPath: app.fastPath, metricsUrl: metricsServer?.url, close };
  } catch (err) {
    await metricsServer?.close().catch(() => undefined);
    await invalidation?.close().catch(() => undefined);
    await sessions?.close().catch(() => undefined);
    await hasher?.close().catch(() => undefined);
    await replicaReads?.stop().catch(() => undefined);
    await orm.close(true).catch(() => undefined);
    throw err;
  }
}

/** The gauges the running server reads at scrape time: the hash queue, the database pool, the dependencies. */
function registerGauges(metrics: Metrics, services: Services): void {
  const { hasher, orm } = services;
  hasher.onWait = (seconds) => metrics.hashWaited(seconds);
  metrics.gauge({ name: "sessiongraph_password_hash_running", help: "Password hashes running now", read: () => hasher.load.running });
  metrics.gauge({ name: "sessiongraph_password_hash_queue_depth", help: "Password hashes waiting for a thread", read: () => hasher.load.waiting });
  metrics.gauge({ name: "sessiongraph_password_hash_queue_capacity", help: "Password hashes that may wait before logins are refused (PASSWORD_HASH_QUEUE)", read: () => hasher.load.queue });
  metrics.gauge({ name: "sessiongraph_db_pool_open", help: "Database connections open (in use or idle)", read: async () => (await poolLoad(orm)).open });
  metrics.gauge({ name: "sessiongraph_db_pool_in_use", help: "Database connections in use", read: async () => (await poolLoad(orm)).inUse });
  metrics.gauge({ name: "sessiongraph_db_pool_waiting", help: "Callers waiting for a database connection", read: async () => (await poolLoad(orm)).waiting });
  // Both outbox gauges from one read per scrape; NaN when the database does not answer (sessiongraph_up says why).
  let read: { at: number; stats: Promise<{ backlog: number; oldestAgeS: number }> } | undefined;
  const outbox = () => {
    if (!read || performance.now() - read.at > 1000) read = { at: performance.now(), stats: outboxStats(orm.em).catch(() => ({ backlog: NaN, oldestAgeS: NaN })) };
    return read.stats;
  };
  metrics.gauge({ name: "sessiongraph_outbox_backlog", help: "Mails waiting in the outbox to be delivered", read: async () => (await outbox()).backlog });
  metrics.gauge({
    name: "sessiongraph_outbox_oldest_age_seconds",
    help: "Seconds since the oldest mail waiting in the outbox was enqueued (0: none waits)",
    read: async () => (await outbox()).oldestAgeS,
  });
  metrics.labelledGauge("sessiongraph_up", "Whether a dependency answers (1) or not (0), probed at each scrape", "dependency", async () => {
    const status = await dependencyStatus(services);
    return Object.fromEntries(Object.entries(status).map(([name, state]) => [name, state === "up" ? 1 : 0]));
  });
}
