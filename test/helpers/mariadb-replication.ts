import { spawn, type ChildProcess } from "node:child_process";
import { execFile } from "node:child_process";
import { once } from "node:events";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import mysql from "mysql2/promise";
import { freePort } from "./ports";

const run = promisify(execFile);
// mariadbd lives in /usr/sbin, which an unprivileged PATH may leave out.
const env = { ...process.env, PATH: `${process.env.PATH ?? ""}:/usr/sbin:/sbin` };

/** One mariadbd of the test's own: its own data folder, a free loopback port, root without a password. */
export class MariaDbProcess {
  private child?: ChildProcess;
  private output = "";

  constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly serverId: number,
  ) {}

  get url(): string {
    return `mysql://root@127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const child = spawn("mariadbd", [
      "--no-defaults", `--datadir=${path.join(this.dir, "data")}`, `--port=${this.port}`, "--bind-address=127.0.0.1",
      `--socket=${path.join(this.dir, "mariadb.sock")}`, `--pid-file=${path.join(this.dir, "mariadb.pid")}`, "--user=root",
      `--server-id=${this.serverId}`, "--log-bin=binlog", "--binlog-format=ROW", "--gtid-strict-mode=1", "--log-slave-updates=1",
      "--innodb-buffer-pool-size=16M", "--innodb-log-file-size=16M", "--skip-name-resolve", "--character-set-server=utf8mb4",
      "--collation-server=utf8mb4_unicode_ci",
    ], { stdio: ["ignore", "pipe", "pipe"], env });
    this.child = child;
    child.stdout!.on("data", (chunk: Buffer) => (this.output += chunk));
    child.stderr!.on("data", (chunk: Buffer) => (this.output += chunk));
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`mariadbd exited: ${this.output.slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`mariadbd did not start: ${this.output.slice(-2000)}`);
      try {
        await this.query("select 1");
        return this;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    const conn = await mysql.createConnection({ uri: this.url, connectTimeout: 2000 });
    try {
      return (await conn.query(sql, params))[0] as T[];
    } finally {
      await conn.end();
    }
  }

  /** kill -9. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, "exit");
    child.kill("SIGKILL");
    await exited;
  }
}

/** A primary and one replica following it by GTID, made from one freshly installed data folder. */
export class MariaDbReplication {
  private constructor(
    readonly primary: MariaDbProcess,
    readonly replica: MariaDbProcess,
    private readonly root: string,
  ) {}

  static async start(): Promise<MariaDbReplication> {
    const root = mkdtempSync(path.join(tmpdir(), "sg-mariadb-"));
    const primaryDir = path.join(root, "primary");
    const replicaDir = path.join(root, "replica");
    await run("mariadb-install-db", ["--no-defaults", `--datadir=${path.join(primaryDir, "data")}`, "--auth-root-authentication-method=normal", "--skip-test-db"], { env });
    // The same system tables on both, so replication starts from an empty binlog on each side.
    cpSync(primaryDir, replicaDir, { recursive: true });
    const [primary, replica] = await Promise.all([
      new MariaDbProcess(await freePort(), primaryDir, 1).start(),
      new MariaDbProcess(await freePort(), replicaDir, 2).start(),
    ]);
    await replica.query("SET GLOBAL read_only = 1");
    await replica.query(`CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = ${primary.port}, MASTER_USER = 'root', MASTER_PASSWORD = '', MASTER_USE_GTID = slave_pos, MASTER_CONNECT_RETRY = 1`);
    await replica.query("START SLAVE");
    const replication = new MariaDbReplication(primary, replica, root);
    await replication.caughtUp();
    return replication;
  }

  /** Waits until the replica has applied everything the primary has written so far. */
  async caughtUp(timeoutS = 30): Promise<void> {
    const [{ pos }] = await this.primary.query<{ pos: string }>("SELECT @@gtid_binlog_pos AS pos");
    if (!pos) return;
    const [row] = await this.replica.query<{ r: number | null }>("SELECT MASTER_GTID_WAIT(?, ?) AS r", [pos, timeoutS]);
    if (row.r !== 0) throw new Error(`the replica did not reach ${pos}`);
  }

  async stopSqlThread(): Promise<void> {
    await this.replica.query("STOP SLAVE SQL_THREAD");
  }

  async startSqlThread(): Promise<void> {
    await this.replica.query("START SLAVE SQL_THREAD");
  }

  async stop(): Promise<void> {
    await Promise.all([this.primary.kill(), this.replica.kill()]);
    rmSync(this.root, { recursive: true, force: true });
  }
}
