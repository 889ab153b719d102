import { spawn, execFile, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { createClient } from "redis";
import { freePort } from "./ports";

const run = promisify(execFile);

/** PEM files a client of a TLS node trusts and shows (a client certificate, for servers that require one). */
export interface ClientTls {
  ca: string;
  cert: string;
  key: string;
}

/** One redis-server (or sentinel) process of the test's own on a free loopback port. */
export class RedisProcess {
  private child?: ChildProcess;
  /** Its working folder: a replica's full sync makes the master write dump.rdb there. */
  private dir?: string;

  constructor(
    readonly port: number,
    private readonly args: string[],
    readonly password?: string,
    /** Set when the node listens for TLS only (`--port 0 --tls-port <port>`). */
    private readonly tls?: ClientTls,
  ) {}

  async start(): Promise<this> {
    this.dir ??= mkdtempSync(path.join(tmpdir(), "sg-redis-"));
    const child = spawn("redis-server", this.args, { stdio: ["ignore", "pipe", "pipe"], cwd: this.dir });
    this.child = child;
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk));
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk));
    const deadline = Date.now() + 10_000;
    while (!(await this.answers())) {
      if (child.exitCode !== null) throw new Error(`redis-server ${this.args.join(" ")} exited: ${output}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not start: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this;
  }

  /** A command on this node, through redis-cli. */
  async cli(...args: string[]): Promise<string> {
    const auth = this.password ? ["--no-auth-warning", "-a", this.password] : [];
    const tls = this.tls ? ["--tls", "--cacert", this.tls.ca, "--cert", this.tls.cert, "--key", this.tls.key] : [];
    const { stdout } = await run("redis-cli", ["-h", "127.0.0.1", "-p", String(this.port), ...tls, ...auth, ...args]);
    return stdout.trim();
  }

  pause(): void {
    this.child?.kill("SIGSTOP");
  }

  resume(): void {
    this.child?.kill("SIGCONT");
  }

  /** kill -9: a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }

  /** Kills it if running and removes its folder. */
  async remove(): Promise<void> {
    await this.kill();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }

  private async answers(): Promise<boolean> {
    const tls = this.tls && { tls: true as const, ...Object.fromEntries(Object.entries(this.tls).map(([k, file]) => [k, readFileSync(file, "utf8")])) };
    const client = createClient({ socket: { host: "127.0.0.1", port: this.port, reconnectStrategy: false, ...tls }, password: this.password });
    client.on("error", () => undefined);
    try {
      await client.connect();
      await client.ping();
      return true;
    } catch {
      return false;
    } finally {
      if (client.isOpen) client.destroy();
    }
  }
}

const dataArgs = (port: number) => ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];

/** A master, one replica and three sentinels (quorum 2), all with passwords. */
/** A master, its replica and the sentinels watching them, however they were started. */
export class SentinelTopology {
  constructor(
    readonly master: RedisProcess,
    readonly replica: RedisProcess,
    readonly sentinels: RedisProcess[],
    private readonly dir: string,
    private readonly masterName: string,
  ) {}

  /** The port the sentinels name as master now. */
  async masterPort(): Promise<number> {
    const reply = await this.sentinels[0].cli("SENTINEL", "get-master-addr-by-name", this.masterName);
    return Number(reply.split("\n")[1]);
  }

  async until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async stop(): Promise<void> {
    await Promise.all([this.master, this.replica, ...this.sentinels].map((p) => p.remove()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class SentinelGroup extends SentinelTopology {
  static readonly MASTER_NAME = "sgmaster";
  static readonly PASSWORD = "node-password-for-tests";
  static readonly SENTINEL_PASSWORD = "sentinel-password-for-tests";

  private constructor(master: RedisProcess, replica: RedisProcess, sentinels: RedisProcess[], dir: string) {
    super(master, replica, sentinels, dir, SentinelGroup.MASTER_NAME);
  }

  static async start(): Promise<SentinelGroup> {
    const dir = mkdtempSync(path.join(tmpdir(), "sg-sentinel-"));
    const auth = ["--requirepass", this.PASSWORD, "--masterauth", this.PASSWORD];
    const masterPort = await freePort();
    const master = await new RedisProcess(masterPort, [...dataArgs(masterPort), ...auth], this.PASSWORD).start();
    const replicaPort = await freePort();
    const replica = await new RedisProcess(replicaPort, [...dataArgs(replicaPort), ...auth, "--replicaof", "127.0.0.1", String(masterPort)], this.PASSWORD).start();
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = path.join(dir, `sentinel-${port}.conf`);
      writeFileSync(file, [
        `port ${port}`, "bind 127.0.0.1", `dir ${dir}`,
        `sentinel monitor ${this.MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel auth-pass ${this.MASTER_NAME} ${this.PASSWORD}`,
        `sentinel down-after-milliseconds ${this.MASTER_NAME} 1000`,
        `sentinel failover-timeout ${this.MASTER_NAME} 10000`,
        `requirepass ${this.SENTINEL_PASSWORD}`,
        `sentinel sentinel-pass ${this.SENTINEL_PASSWORD}`,
        "",
      ].join("\n"));
      sentinels.push(await new RedisProcess(port, [file, "--sentinel"], this.SENTINEL_PASSWORD).start());
    }
    const group = new SentinelGroup(master, replica, sentinels, dir);
    await group.until(async () => (await replica.cli("INFO", "replication")).includes("master_link_status:up"), "the replica is in sync");
    return group;
  }

  get env(): Record<string, string> {
    return {
      REDIS_SENTINELS: this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(","),
      REDIS_SENTINEL_MASTER: SentinelGroup.MASTER_NAME,
      REDIS_PASSWORD: SentinelGroup.PASSWORD,
      REDIS_SENTINEL_PASSWORD: SentinelGroup.SENTINEL_PASSWORD,
    };
  }

}

/** Three masters made into a Cluster by `redis-cli --cluster create`. */
export class RedisClusterGroup {
  private constructor(
    readonly nodes: RedisProcess[],
    private readonly dir: string,
  ) {}

  static async start(): Promise<RedisClusterGroup> {
    const dir = mkdtempSync(path.join(tmpdir(), "sg-cluster-"));
    const nodes: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      nodes.push(await new RedisProcess(port, [
        ...dataArgs(port), "--cluster-enabled", "yes", "--cluster-config-file", path.join(dir, `nodes-${port}.conf`),
        "--cluster-node-timeout", "2000", "--dir", dir,
      ]).start());
    }
    await run("redis-cli", ["--cluster", "create", ...nodes.map((n) => `127.0.0.1:${n.port}`), "--cluster-replicas", "0", "--cluster-yes"]);
    const group = new RedisClusterGroup(nodes, dir);
    const deadline = Date.now() + 30_000;
    for (const node of nodes) {
      while (!(await node.cli("CLUSTER", "INFO")).includes("cluster_state:ok")) {
        if (Date.now() > deadline) throw new Error("the cluster did not come up");
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return group;
  }

  get env(): Record<string, string> {
    return { REDIS_CLUSTER_NODES: this.nodes.map((n) => `127.0.0.1:${n.port}`).join(",") };
  }

  /** Keys on each node that start with `prefix`. */
  async keysPerNode(prefix: string): Promise<string[][]> {
    return Promise.all(this.nodes.map(async (n) => (await n.cli("--scan", "--pattern", `${prefix}*`)).split("\n").filter(Boolean)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.remove()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
