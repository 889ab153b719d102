import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { login, me, registerUser } from "./helpers/factories";
import { freePort } from "./helpers/ports";
import { spawnServer } from "./helpers/process";
import { RedisProcess, SentinelTopology, type ClientTls } from "./helpers/redis-topologies";
import { processEnv, startTestServer, type TestServer } from "./helpers/server";
import { TestCa } from "./helpers/tls-certs";

// Redis servers of the test's own that speak TLS only, with certificates from a CA made for this run.
let ca: TestCa;
let otherCa: TestCa;
let server: { cert: string; key: string };
let client: { cert: string; key: string };
let clientTls: ClientTls;

before(async () => {
  assert.match(execFileSync("openssl", ["version"], { encoding: "utf8" }), /^OpenSSL 3\./);
  ca = await TestCa.create("redis-test-ca");
  otherCa = await TestCa.create("another-ca");
  server = await ca.issue("server");
  client = await ca.issue("client");
  clientTls = { ca: ca.caFile, ...client };
});
after(() => {
  ca?.remove();
  otherCa?.remove();
});

/** TLS on its port only (`--port 0`); `requireClientCert` is Redis's own default, `tls-auth-clients yes`. */
function tlsArgs(port: number, requireClientCert: boolean): string[] {
  return [
    "--port", "0", "--tls-port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
    "--tls-cert-file", server.cert, "--tls-key-file", server.key, "--tls-ca-cert-file", ca.caFile,
    "--tls-auth-clients", requireClientCert ? "yes" : "no",
  ];
}

async function tlsRedis(requireClientCert: boolean): Promise<RedisProcess> {
  const port = await freePort();
  return new RedisProcess(port, tlsArgs(port, requireClientCert), undefined, clientTls).start();
}

/** Logs in, reads `me` with the cookie and logs out; the session lives on `node` meanwhile and is gone after. */
async function loginMeLogout(api: TestServer, node: RedisProcess): Promise<void> {
  const user = await registerUser(api.client());
  const browser = api.client();
  const res = await login(browser, user.email);
  assert.equal(res.data?.login.id, user.id, JSON.stringify(res.errors));
  assert.equal((await me(browser))?.id, user.id);
  const sessionKeys = async () => (await node.cli("--scan", "--pattern", `${api.config.redis!.keyPrefix}sess:*`)).split("\n").filter(Boolean);
  const held = await sessionKeys();
  assert.ok(held.length >= 1, "the sessions are on the TLS server");
  assert.equal((await browser.ok(`mutation { logout }`)).logout, true);
  assert.equal(await me(browser), null);
  const left = await sessionKeys();
  assert.equal(left.length, held.length - 1, "the logout deleted its session there");
}

/** Starts the compiled server, which must stop by itself: exit 1 with one line of explanation, no stack trace. */
async function refusedAtStart(name: string, env: Record<string, string>): Promise<string> {
  const started = performance.now();
  // An empty value drops processEnv's own setting (REDIS_URL, beside the Sentinel form).
  const proc = spawnServer(Object.fromEntries(Object.entries(await processEnv(name, env)).filter(([, value]) => value !== "")));
  const killer = setTimeout(() => proc.child.kill("SIGKILL"), 20_000); // a hang fails the test, not the suite
  try {
    assert.deepEqual(await proc.exited, { code: 1, signal: null }, proc.output());
  } finally {
    clearTimeout(killer);
  }
  assert.ok(performance.now() - started < 15_000, "stopped without waiting for Redis forever");
  assert.doesNotMatch(proc.output(), /at .+\.js:\d+/); // a message, not a stack trace
  return proc.output();
}

describe("Redis over TLS, one server (rediss://)", () => {
  let node: RedisProcess;
  let api: TestServer | undefined;

  before(async () => {
    node = await tlsRedis(false);
  });
  after(async () => {
    try {
      await api?.close();
    } finally {
      await node?.remove();
    }
  });

  it("keeps sessions there: login, me with the cookie, logout", async () => {
    api = await startTestServer("redis_tls", { REDIS_URL: `rediss://127.0.0.1:${node.port}/0`, REDIS_TLS_CA_FILE: ca.caFile });
    assert.equal(api.config.redis!.tls, true);
    await loginMeLogout(api, node);
    const readyz = await fetch(new URL("/readyz", api.url));
    assert.equal(readyz.status, 200);
  });

  it("stops at start, naming REDIS_TLS_CA_FILE, when the server's certificate is from another CA", async () => {
    const output = await refusedAtStart("redis_tls_other_ca", { REDIS_URL: `rediss://127.0.0.1:${node.port}/0`, REDIS_TLS_CA_FILE: otherCa.caFile });
    assert.match(output, new RegExp(`Redis at 127\\.0\\.0\\.1:${node.port} refused the TLS connection \\(SELF_SIGNED_CERT_IN_CHAIN.*set REDIS_TLS_CA_FILE`));
  });

  it("stops at start the same way with the system's CAs only (no REDIS_TLS_CA_FILE)", async () => {
    const output = await refusedAtStart("redis_tls_system_ca", { REDIS_URL: `rediss://127.0.0.1:${node.port}/0` });
    assert.match(output, /refused the TLS connection \(SELF_SIGNED_CERT_IN_CHAIN.*set REDIS_TLS_CA_FILE/);
  });

  it("stops at start when the port does not speak TLS", async () => {
    const port = await freePort();
    const plain = await new RedisProcess(port, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]).start();
    try {
      const output = await refusedAtStart("redis_tls_plain", { REDIS_URL: `rediss://127.0.0.1:${port}/0`, REDIS_TLS_CA_FILE: ca.caFile });
      assert.match(output, new RegExp(`Redis at 127\\.0\\.0\\.1:${port} accepted the connection but no TLS handshake within \\d+ ms: the port does not seem to speak TLS`));
    } finally {
      await plain.remove();
    }
  });

  it("stops at start on a CA file that is missing or holds no certificate", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sg-not-pem-"));
    try {
      const notPem = path.join(dir, "ca.crt");
      writeFileSync(notPem, "not a certificate\n");
      const url = `rediss://127.0.0.1:${node.port}/0`;
      assert.match(await refusedAtStart("redis_tls_missing", { REDIS_URL: url, REDIS_TLS_CA_FILE: path.join(dir, "none.crt") }), /REDIS_TLS_CA_FILE: cannot read .*none\.crt \(ENOENT\)/);
      assert.match(await refusedAtStart("redis_tls_not_pem", { REDIS_URL: url, REDIS_TLS_CA_FILE: notPem }), /REDIS_TLS_CA_FILE: .*ca\.crt holds no PEM block/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Redis over TLS with client certificates required", () => {
  let node: RedisProcess;
  let api: TestServer | undefined;

  before(async () => {
    node = await tlsRedis(true);
  });
  after(async () => {
    try {
      await api?.close();
    } finally {
      await node?.remove();
    }
  });

  it("stops at start, naming REDIS_TLS_CERT_FILE, when no client certificate is set (node-redis alone would crash the process)", async () => {
    const output = await refusedAtStart("redis_tls_no_client_cert", { REDIS_URL: `rediss://127.0.0.1:${node.port}/0`, REDIS_TLS_CA_FILE: ca.caFile });
    assert.match(output, /refused the TLS connection \(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED.*set REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE/);
  });

  it("stops at start when the client certificate is from a CA the server does not trust", async () => {
    const stranger = await otherCa.issue("client");
    const output = await refusedAtStart("redis_tls_stranger_cert", {
      REDIS_URL: `rediss://127.0.0.1:${node.port}/0`, REDIS_TLS_CA_FILE: ca.caFile, REDIS_TLS_CERT_FILE: stranger.cert, REDIS_TLS_KEY_FILE: stranger.key,
    });
    assert.match(output, /refused the TLS connection \(ERR_SSL_\w*ALERT\w*.*set REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE/);
  });

  it("keeps sessions there with REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE", async () => {
    api = await startTestServer("redis_tls_client_cert", {
      REDIS_URL: `rediss://127.0.0.1:${node.port}/0`, REDIS_TLS_CA_FILE: ca.caFile, REDIS_TLS_CERT_FILE: client.cert, REDIS_TLS_KEY_FILE: client.key,
    });
    await loginMeLogout(api, node);
  });
});

/**
 * A master, one replica and three sentinels, every one on TLS only, replicating and monitoring over TLS.
 * The data nodes require client certificates and the sentinels do not, so that a missing client certificate
 * is met at the master the sentinels name, past the sentinels.
 */
class TlsSentinelGroup extends SentinelTopology {
  static readonly MASTER_NAME = "sgtls";

  private constructor(master: RedisProcess, replica: RedisProcess, sentinels: RedisProcess[], dir: string) {
    super(master, replica, sentinels, dir, TlsSentinelGroup.MASTER_NAME);
  }

  static async start(): Promise<TlsSentinelGroup> {
    const dir = mkdtempSync(path.join(tmpdir(), "sg-tls-sentinel-"));
    const masterPort = await freePort();
    const dataArgs = (port: number) => [...tlsArgs(port, true), "--tls-replication", "yes"];
    const master = await new RedisProcess(masterPort, dataArgs(masterPort), undefined, clientTls).start();
    const replicaPort = await freePort();
    const replica = await new RedisProcess(replicaPort, [...dataArgs(replicaPort), "--replicaof", "127.0.0.1", String(masterPort)], undefined, clientTls).start();
    const sentinels: RedisProcess[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      const file = path.join(dir, `sentinel-${port}.conf`);
      writeFileSync(file, [
        "port 0", `tls-port ${port}`, "bind 127.0.0.1", `dir ${dir}`,
        `tls-cert-file ${server.cert}`, `tls-key-file ${server.key}`, `tls-ca-cert-file ${ca.caFile}`,
        "tls-replication yes", "tls-auth-clients no",
        `sentinel monitor ${this.MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
        `sentinel down-after-milliseconds ${this.MASTER_NAME} 1000`,
        `sentinel failover-timeout ${this.MASTER_NAME} 10000`,
        "",
      ].join("\n"));
      sentinels.push(await new RedisProcess(port, [file, "--sentinel"], undefined, clientTls).start());
    }
    const group = new TlsSentinelGroup(master, replica, sentinels, dir);
    await group.until(async () => (await replica.cli("INFO", "replication")).includes("master_link_status:up"), "the replica is in sync");
    await group.until(async () => (await sentinels[0].cli("SENTINEL", "sentinels", this.MASTER_NAME)).split("\n").filter((l) => l === "name").length === 2, "the sentinels know each other");
    return group;
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      REDIS_SENTINELS: this.sentinels.map((s) => `127.0.0.1:${s.port}`).join(","),
      REDIS_SENTINEL_MASTER: TlsSentinelGroup.MASTER_NAME,
      REDIS_TLS: "true",
      ...extra,
    };
  }

}

describe("Redis over TLS through Sentinel", () => {
  let group: TlsSentinelGroup;
  let api: TestServer | undefined;

  before(async () => {
    group = await TlsSentinelGroup.start();
  });
  after(async () => {
    try {
      await api?.close();
    } finally {
      await group?.stop();
    }
  });

  it("stops at start, naming the sentinel, when the sentinels' certificate is from another CA", async () => {
    const output = await refusedAtStart("redis_tls_sentinel_other_ca", group.env({ REDIS_TLS_CA_FILE: otherCa.caFile, REDIS_URL: "" }));
    assert.match(output, /Redis at 127\.0\.0\.1:\d+ refused the TLS connection \(SELF_SIGNED_CERT_IN_CHAIN.*set REDIS_TLS_CA_FILE/);
  });

  it("stops at start, naming the master the sentinels name, when it wants a client certificate and none is set", async () => {
    const output = await refusedAtStart("redis_tls_sentinel_no_cert", group.env({ REDIS_TLS_CA_FILE: ca.caFile, REDIS_URL: "" }));
    assert.match(output, new RegExp(`Redis at 127\\.0\\.0\\.1:${group.master.port} refused the TLS connection \\(ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED.*REDIS_TLS_CERT_FILE`));
  });

  it("keeps sessions on the master, waits for the replica over TLS, and follows a failover", async () => {
    api = await startTestServer("redis_tls_sentinel", group.env({
      REDIS_TLS_CA_FILE: ca.caFile, REDIS_TLS_CERT_FILE: client.cert, REDIS_TLS_KEY_FILE: client.key, REDIS_REPLICA_ACK_TIMEOUT_MS: "1000",
    }));
    await loginMeLogout(api, group.master);

    // A login acknowledged by the replica (WAIT on a TLS connection of its own) survives the master's death.
    const kept = api.client();
    const user = await registerUser(kept);
    const prefix = api.config.redis!.keyPrefix;
    const onReplica = async () => (await group.replica.cli("--scan", "--pattern", `${prefix}sess:*`)).split("\n").filter(Boolean);
    assert.ok((await onReplica()).length >= 1, "the replica holds the session when register answers");
    await group.master.kill();
    await group.until(async () => (await group.masterPort()) === group.replica.port, "the sentinels promote the replica");
    await group.until(async () => (await fetch(new URL("/readyz", api!.url))).status === 200, "/readyz is 200 again");
    assert.equal((await me(kept))?.id, user.id, "the session from before the kill");
    const fresh = api.client();
    assert.equal((await login(fresh, user.email)).data?.login.id, user.id);
    assert.equal((await me(fresh))?.id, user.id);
  });
});
