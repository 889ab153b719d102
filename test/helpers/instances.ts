import { TestClient } from "./client";
import { listeningPort, logLines, spawnServer } from "./process";

/** A compiled server running as its own process (see process.ts), with a client factory for it. */
export interface Instance {
  url: string;
  port: number;
  client(): TestClient;
  /** The JSON log lines written so far. */
  logLines(): Array<Record<string, any>>;
  stop(): Promise<void>;
}

/** Starts `node dist/src/index.js` on a port the OS picks, logging at info so its port can be read. */
export async function startInstance(env: Record<string, string>): Promise<Instance> {
  const server = spawnServer({ NODE_ENV: "test", PORT: "0", LOG_LEVEL: "info", ...env });
  const port = await listeningPort(server);
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    port,
    client: () => new TestClient(url),
    logLines: () => logLines(server),
    stop: async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGTERM");
      await server.exited;
    },
  };
}
