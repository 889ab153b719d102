import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { TestClient } from "./client";

// The compiled server, exactly as `npm run start:built` runs it in production.
const ENTRY = path.resolve(__dirname, "..", "..", "src", "index.js");

export interface Instance {
  url: string;
  port: number;
  client(): TestClient;
  /** Every line the process has written to stdout so far (its JSON log). */
  output(): string[];
  stop(): Promise<void>;
}

/**
 * Starts `node dist/src/index.js` as its own process. PORT=0 lets the OS pick a free port; the server
 * names it in its "sessiongraph listening" log line, which is read from stdout.
 */
export function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = spawn(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH, NODE_ENV: "test", PORT: "0", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const stdout: string[] = [];
  child.stderr!.on("data", (chunk) => output.push(String(chunk)));
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const onExit = (code: number | null) => reject(new Error(`server exited (${code}) before listening:\n${output.join("")}`));
    child.once("exit", onExit);
    lines.on("line", (line) => {
      output.push(line + "\n");
      stdout.push(line);
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      if (entry.msg !== "sessiongraph listening" || typeof entry.port !== "number") return;
      child.off("exit", onExit);
      const url = `http://127.0.0.1:${entry.port}/graphql`;
      resolve({ url, port: entry.port, client: () => new TestClient(url), output: () => [...stdout], stop: () => stop(child) });
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
