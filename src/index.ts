import { ConfigError, loadConfig } from "./config";

async function main(): Promise<void> {
  const config = loadConfig();
  // OpenTelemetry patches http, mysql2 and redis as they are loaded: it starts before the server's modules load them.
  if (config.tracing) (await import("./observability/tracing")).startTracing();
  const { startServer } = await import("./server");
  const server = await startServer(config);
  const log = server.services.log;
  log.info(`GraphQL at ${server.url}`);
  const shutdown = (signal: string) => {
    log.info({ signal }, "shutting down");
    const force = setTimeout(() => {
      log.error("shutdown took too long; exiting");
      process.exit(1);
    }, config.shutdownGraceS * 1000 + 5000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
