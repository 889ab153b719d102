import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { API_NODE_FLAGS } from "../../bench/servers";

const ENTRY = path.resolve(__dirname, "..", "..", "src", "index.js");

export interface ServerProcess {
  child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** The exit code (null when killed by a signal) once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs the compiled server (`node dist/src/index.js`) as `npm start` would (its Node flags too), with exactly this environment. */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, [...API_NODE_FLAGS, ENTRY], {
    cwd: path.resolve(__dirname, "..", "..", ".."),
    // No metrics port unless a test asks for one: the default (9464) would be shared by every process.
    env: { PATH: process.env.PATH ?? "", METRICS_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

/** Waits for the "listening" log line and returns the port; fails if the process ends first. */
export async function listeningPort(server: ServerProcess, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const match = /"port":(\d+)[^\n]*"msg":"sessiongraph listening"/.exec(server.output());
    if (match) return Number(match[1]);
    if (server.child.exitCode !== null) throw new Error(`server exited: ${server.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`server did not start: ${server.output()}`);
}

/** The JSON log lines written so far. */
export function logLines(server: ServerProcess): Array<Record<string, any>> {
  return server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line));
}
