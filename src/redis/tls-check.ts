import { isIP } from "node:net";
import { connect, type ConnectionOptions } from "node:tls";
import { createClient, type RedisClientOptions } from "redis";
import { ConfigError, type RedisConfig, type RedisNode } from "../config";

/**
 * Checks at start that the configured Redis nodes accept our TLS session, so a wrong CA or a missing client
 * certificate stops the process with a message instead of node-redis retrying forever. It also keeps
 * node-redis from meeting a server that requires a client certificate: node-redis 5.12 listens for one
 * socket error only, and such a server's alert is followed by a second (ECONNRESET) that ends the process.
 * Nodes that cannot be reached at all are left to the usual waiting: only a TLS refusal is final.
 */
export async function checkRedisTls(config: RedisConfig, timeoutMs: number): Promise<void> {
  if (!config.tls) return;
  const options = tlsOptions(config);
  const { topology } = config;
  if (topology.kind === "single") {
    const url = new URL(topology.url);
    await probeAll([{ host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(url.port || 6379) }], options, timeoutMs);
  } else if (topology.kind === "cluster") {
    await probeAll(topology.nodes, options, timeoutMs);
  } else {
    const answering = await probeAll(topology.sentinels, options, timeoutMs);
    // The master the sentinels name is reached with the same settings: check it too, before node-redis does.
    const master = answering.length ? await masterOf(answering[0], topology.masterName, config, options, timeoutMs) : undefined;
    if (master) await probeAll([master], options, timeoutMs);
  }
}

export function tlsOptions(config: RedisConfig): ConnectionOptions {
  const { ca, cert, key } = config.tlsFiles;
  return { ...(ca ? { ca } : {}), ...(cert && key ? { cert, key } : {}) };
}

/** The nodes that accepted the TLS session; throws on the first that refused it. */
async function probeAll(nodes: RedisNode[], options: ConnectionOptions, timeoutMs: number): Promise<RedisNode[]> {
  const outcomes = await Promise.all(nodes.map((node) => probe(node, options, timeoutMs)));
  const refused = outcomes.find((o): o is ConfigError => o instanceof ConfigError);
  if (refused) throw refused;
  return nodes.filter((_, i) => outcomes[i] === "ok");
}

function probe(node: RedisNode, options: ConnectionOptions, timeoutMs: number): Promise<"ok" | "unreachable" | ConfigError> {
  return new Promise((resolve) => {
    const socket = connect({ host: node.host, port: node.port, ...options, ...(isIP(node.host) ? {} : { servername: node.host }) });
    const done = (outcome: "ok" | "unreachable" | ConfigError) => {
      socket.removeAllListeners();
      socket.on("error", () => undefined); // what follows the first error (a reset) is no news
      socket.destroy();
      resolve(outcome);
    };
    let tcpConnected = false;
    let secured = false;
    socket.once("connect", () => (tcpConnected = true));
    // Connected but no handshake: a plain Redis waits for a command's end that the TLS hello never sends.
    socket.setTimeout(timeoutMs, () => done(tcpConnected && !secured ? noHandshake(node, timeoutMs) : "unreachable"));
    // A server that wants a client certificate says so (TLS 1.3) only once we send something.
    socket.once("secureConnect", () => {
      secured = true;
      socket.write("PING\r\n");
    });
    // Any reply, +PONG or -NOAUTH, means the server took our TLS session.
    socket.once("data", () => done("ok"));
    socket.on("error", (err: NodeJS.ErrnoException) => done(isTlsRefusal(err) ? refusal(node, err) : "unreachable"));
    socket.once("close", () => done("unreachable"));
  });
}

function isTlsRefusal(err: NodeJS.ErrnoException): boolean {
  return /SSL|TLS|CERT|UNABLE_TO|SELF_SIGNED/.test(err.code ?? "");
}

function refusal(node: RedisNode, err: NodeJS.ErrnoException): ConfigError {
  const code = err.code ?? "";
  // An alert from the server is about our certificate; anything else, about the server's.
  const hint = /ALERT/.test(code)
    ? "the server wants a client certificate it trusts: set REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE"
    : "set REDIS_TLS_CA_FILE to the CA that signed the server's certificate";
  const reason = err.message.split("\n")[0].replace(/^[0-9A-F]+:error:[0-9A-F]+:SSL routines:[^:]*:/, "");
  return new ConfigError(`Redis at ${node.host}:${node.port} refused the TLS connection (${code}: ${reason}): ${hint}`);
}

function noHandshake(node: RedisNode, timeoutMs: number): ConfigError {
  return new ConfigError(`Redis at ${node.host}:${node.port} accepted the connection but no TLS handshake within ${timeoutMs} ms: the port does not seem to speak TLS`);
}

async function masterOf(sentinel: RedisNode, name: string, config: RedisConfig, options: ConnectionOptions, timeoutMs: number): Promise<RedisNode | undefined> {
  const client = createClient({
    ...config.sentinelAuth,
    socket: { host: sentinel.host, port: sentinel.port, tls: true, ...options, connectTimeout: timeoutMs, reconnectStrategy: false },
  } as RedisClientOptions);
  client.on("error", () => undefined);
  try {
    await client.connect();
    const reply = (await client.sendCommand(["SENTINEL", "GET-MASTER-ADDR-BY-NAME", name])) as [string, string] | null;
    return reply ? { host: reply[0], port: Number(reply[1]) } : undefined;
  } catch {
    return undefined; // a wrong sentinel password or master name: left to the connection that follows, as without TLS
  } finally {
    if (client.isOpen) client.destroy();
  }
}
