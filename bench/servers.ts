import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
const DIST = path.join(ROOT, "dist");

/** Server on core 0, load generator on core 1, when there are two cores and taskset. */
export const PINNING = os.cpus().length >= 2 && spawnSync("taskset", ["-c", "0", "true"]).status === 0;

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;

export interface Counts {
  sql: number;
  redis: number;
  statements: Array<[string, number]>;
}

export interface ServerProcess {
  name: string;
  pid: number;
  port: number;
  origin: string;
  memory(): { rssMb: number; peakRssMb: number };
  /** CPU seconds (user + system, all threads) the process has used so far. */
  cpuSeconds(): number;
  /** Starts a new peak-RSS measurement (Linux: clear_refs 5). */
  resetPeak(): void;
  countStart(): void;
  /** A full garbage collection (when started with --expose-gc), then the process's memory in MB. */
  collect(): Promise<{ rssMb: number; heapUsedMb: number }>;
  countStop(): Promise<Counts>;
  stop(): Promise<void>;
}

export function pinned(core: number, command: string, args: string[]): [string, string[]] {
  return PINNING ? ["taskset", ["-c", String(core), command, ...args]] : [command, args];
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Starts a compiled script (relative to dist/) as its own process on core 0, with the statement
 * counter preloaded and an IPC channel to drive it. Resolves when `readyPath` answers 200.
 */
/**
 * The Node flags `npm start` runs the API with (package.json, "start:built"), so that the bench and the tests'
 * processes run it as it is run: `--max-semi-space-size` keeps young-generation pauses short (docs/performance.md).
 */
export const API_NODE_FLAGS: string[] = (JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).scripts["start:built"] as string)
  .split(/\s+/)
  .filter((word) => word.startsWith("--"));

export async function startServerProcess(
  name: string,
  script: string,
  env: Record<string, string>,
  readyPath: string,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  const port = await freePort();
  const node = process.execPath;
  const [command, args] = pinned(0, node, ["-r", path.join(DIST, "bench", "sql-counter.js"), ...nodeArgs, path.join(DIST, script)]);
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const tail: string[] = [];
  const keep = (chunk: Buffer) => {
    tail.push(String(chunk));
    if (tail.length > 50) tail.shift();
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const origin = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}):\n${tail.join("")}`);
    try {
      if ((await fetch(origin + readyPath)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 300) throw new Error(`${name} did not become ready:\n${tail.join("")}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return makeHandle(name, child, port, origin, tail);
}

/** A process's CPU time so far, in seconds (fields 14 and 15 of /proc/<pid>/stat, after the command name). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * The CPU-time reader of a server this machine runs (MariaDB, Redis), found by its program's name; undefined
 * when none runs here or /proc cannot be read. The bench puts its CPU per operation beside the API's.
 */
export function localServerCpu(programs: string[]): (() => number) | undefined {
  for (const program of programs) {
    const pid = Number(spawnSync("pgrep", ["-o", "-x", program]).stdout?.toString().trim());
    if (!pid) continue;
    try {
      cpuSecondsOf(pid);
      return () => cpuSecondsOf(pid);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function makeHandle(name: string, child: ChildProcess, port: number, origin: string, tail: string[]): ServerProcess {
  const pid = child.pid!;
  const status = () => readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status())?.[1] ?? NaN);
  return {
    name,
    pid,
    port,
    origin,
    memory: () => ({ rssMb: kb("VmRSS") / 1024, peakRssMb: kb("VmHWM") / 1024 }),
    cpuSeconds: () => cpuSecondsOf(pid),
    resetPeak: () => {
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, "5");
      } catch {
        // not Linux, or not allowed: the peak is then since the start
      }
    },
    countStart: () => void child.send({ type: "count-start" }),
    collect: () =>
      new Promise((resolve) => {
        child.once("message", (m: { rss: number; heapUsed: number }) => resolve({ rssMb: m.rss / 2 ** 20, heapUsedMb: m.heapUsed / 2 ** 20 }));
        child.send({ type: "gc" });
      }),
    countStop: () =>
      new Promise<Counts>((resolve) => {
        child.once("message", (m: Counts & { type: string }) => resolve(m));
        child.send({ type: "count-stop" });
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
      }),
    toString: () => `${name}\n${tail.join("")}`,
  } as ServerProcess;
}

/**
 * Runs a compiled bench script (dist/bench/…) on core 1 and parses the JSON line it prints; `input`, when
 * given, is its stdin (a load's spec with many sessions is longer than one argument may be).
 */
export function runOnLoadCore<T>(script: string, args: string[], input?: string): Promise<T> {
  const [command, argv] = pinned(1, process.execPath, [path.join(DIST, "bench", script), ...args]);
  return runJson<T>(command, argv, input);
}

/** Same, on the server's core (the raw hashing loop competes for the same CPU as the API would). */
export function runOnServerCore<T>(script: string, args: string[]): Promise<T> {
  const [command, argv] = pinned(0, process.execPath, [path.join(DIST, "bench", script), ...args]);
  return runJson<T>(command, argv);
}

function runJson<T>(command: string, args: string[], input?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    if (input !== undefined) child.stdin!.end(input);
    let out = "";
    let err = "";
    child.stdout!.on("data", (c) => (out += c));
    child.stderr!.on("data", (c) => (err += c));
    child.on("exit", (code) => {
      const line = out.trim().split("\n").at(-1) ?? "";
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(line) as T);
      } catch (e) {
        reject(new Error(`${path.basename(args.find((a) => a.endsWith(".js")) ?? command)} failed (${String(e)}): ${err || out}`));
      }
    });
  });
}
