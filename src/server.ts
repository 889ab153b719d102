import "reflect-metadata";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { MikroORM, type Options } from "@mikro-orm/core";
import pino from "pino";
import { createApp } from "./app";
import { PasswordHasher } from "./auth/password-hasher";
import { startUserCache, type UserCaching } from "./auth/user-invalidation";
import type { Config } from "./config";
import { startCartSweeper } from "./cart/cart-sweeper";
import { bootstrapAdmin } from "./db/bootstrap-admin";
import { migrate } from "./db/migrate";
import { LoginLimits } from "./limits/login-limits";
import { MailSender } from "./mail/mail-sender";
import { createTransport } from "./mail/transport";
import { handleResetRequests } from "./recovery/reset-requests";
import { ormOptions } from "./mikro-orm.config";
import type { Services } from "./services";
import { SessionBackend } from "./sessions/session-backend";

export interface RunningServer {
  url: string;
  port: number;
  services: Services;
  httpServer: Server;
  close(): Promise<void>;
}

/** Starts everything: database (with migrations), sessions, the admin bootstrap, then HTTP. */
export async function startServer(config: Config, ormOverrides: Partial<Options> = {}): Promise<RunningServer> {
  const log = pino({
    level: config.logLevel,
    redact: { paths: ["req.headers.cookie", "res.headers['set-cookie']", "*.password", "*.passwordHash"], censor: "[redacted]" },
  });
  const orm = await MikroORM.init(ormOptions(config, ormOverrides));
  let sessions: SessionBackend | undefined;
  let hasher: PasswordHasher | undefined;
  let userCaching: UserCaching | undefined;
  try {
    await migrate(orm, config);
    sessions = await SessionBackend.create(config);
    userCaching = await startUserCache(config, sessions.redis, log);
    // A login still waiting when the dependency timeout has passed is refused rather than hashed late.
    hasher = new PasswordHasher(config.limits.hashConcurrency, config.limits.hashQueue, config.limits.hashNice, config.dependencyTimeoutMs);
    await bootstrapAdmin(orm.em.fork(), config, hasher, log);
    const limits = LoginLimits.create(config, sessions.redis);
    const { cache: userCache, invalidation: userInvalidation } = userCaching;
    const services: Services = { config, orm, sessions, hasher, limits, userCache, userInvalidation, log };

    const httpServer = createServer();
    const app = await createApp(services, httpServer);
    httpServer.on("request", app.handler);
    await new Promise<void>((resolve, reject) => {
      httpServer.once("error", reject);
      httpServer.listen(config.port, config.host, resolve);
    });
    const { port } = httpServer.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
    log.info({ port, database: config.database.kind, sessions: config.redis ? "redis" : "memory" }, "sessiongraph listening");

    const stopCartSweeper = startCartSweeper(orm.em, config.session.absoluteTimeoutS, log);
    const mailSender = new MailSender(orm.em, config.mail, createTransport(config.mail, log), log, [
      (em) => handleResetRequests(em, config.mail),
    ]).start();
    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        stopCartSweeper();
        await app.apollo.stop(); // stops accepting, waits for in-flight requests (drain plugin)
        await mailSender.stop();
        await userInvalidation.close();
        await sessions!.close();
        await hasher!.close();
        await orm.close(true);
      })());
    return { url: `http://${host}:${port}/graphql`, port, services, httpServer, close };
  } catch (err) {
    await userCaching?.invalidation.close().catch(() => undefined);
    await sessions?.close().catch(() => undefined);
    await hasher?.close().catch(() => undefined);
    await orm.close(true).catch(() => undefined);
    throw err;
  }
}
