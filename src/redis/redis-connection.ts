import {
  createClient, createCluster, createSentinel, ErrorReply,
  type RedisClientOptions, type RedisClientType, type RedisClusterType, type RedisSentinelType,
} from "redis";
import type { RedisConfig, RedisNode } from "../config";
import { ServiceUnavailableError } from "../errors";
import { checkRedisTls, tlsOptions } from "./tls-check";
import { ClientSubscription, FollowingSubscription, type Subscription } from "./subscription";

/**
 * Redis as configured: one server, the master a Sentinel group names, or a Cluster. What differs between
 * them (finding the right node, pub/sub, waiting for replicas, health) is here; everything else talks to
 * `client`, whose command methods (get, set, mGet, hSet, multi, eval, publish...) the three share.
 */
export interface RedisConnection {
  readonly kind: "single" | "sentinel" | "cluster";
  /** Sentinel and Cluster clients are typed as a single client's: the commands this API sends have the same signatures on all three. */
  readonly client: RedisClientType;
  /** Every node the API writes to answers. */
  ping(): Promise<void>;
  /**
   * Waits until one replica has every write made so far to the node that holds `key` (WAIT 1), when that
   * node has replicas connected. Throws SERVICE_UNAVAILABLE when none acknowledges in time: the write
   * may be lost if the master fails now, so the caller must not report it as done.
   */
  replicate(key: string): Promise<void>;
  subscribe(channel: string, listener: (message: string) => void): Promise<Subscription>;
  close(): Promise<void>;
}

export class ReplicaAckError extends ServiceUnavailableError {
  constructor() {
    super("The change was not yet copied to a Redis replica. Try again shortly.");
  }
}

const ignoreErrors = () => undefined; // reported through /readyz and SERVICE_UNAVAILABLE; clients reconnect by themselves

function nodeOptions(config: RedisConfig, timeoutMs: number): RedisClientOptions {
  return {
    username: config.username,
    password: config.password,
    // Fail fast while a node is down instead of queueing commands until it returns.
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeoutMs,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
      ...(config.tls ? { tls: true as const, ...tlsOptions(config) } : {}),
    },
  } as RedisClientOptions;
}

export async function connectRedis(config: RedisConfig, timeoutMs: number): Promise<RedisConnection> {
  const { topology } = config;
  await checkRedisTls(config, timeoutMs);
  if (topology.kind === "sentinel") return connectSentinel(config, topology.sentinels, topology.masterName, timeoutMs);
  if (topology.kind === "cluster") return connectCluster(config, topology.nodes, timeoutMs);
  const options = nodeOptions(config, timeoutMs);
  const client = createClient({ ...options, url: topology.url }) as RedisClientType;
  client.on("error", ignoreErrors);
  await client.connect();
  const acks = new AckChannel(config, async () => {
    const duplicate = client.duplicate() as RedisClientType;
    duplicate.on("error", ignoreErrors);
    await duplicate.connect();
    return { send: (args) => duplicate.sendCommand(args), close: () => closeClient(duplicate) };
  }, (args) => client.sendCommand(args));
  return {
    kind: "single",
    client,
    ping: async () => void (await client.ping()),
    replicate: (key) => acks.replicate(key),
    subscribe: async (channel, listener) => ClientSubscription.open(client.duplicate() as RedisClientType, channel, listener),
    close: async () => {
      await acks.close();
      await closeClient(client);
    },
  };
}

async function connectSentinel(config: RedisConfig, sentinels: RedisNode[], masterName: string, timeoutMs: number): Promise<RedisConnection> {
  const options = nodeOptions(config, timeoutMs);
  const sentinel = createSentinel({
    name: masterName,
    sentinelRootNodes: sentinels,
    nodeClientOptions: options,
    sentinelClientOptions: {
      ...config.sentinelAuth,
      socket: { connectTimeout: timeoutMs, ...(config.tls ? { tls: true as const, ...tlsOptions(config) } : {}) },
    } as RedisClientOptions,
    // Asks the sentinels for the master now and then, beside their switch-master messages.
    scanInterval: 5000,
  }) as unknown as RedisSentinelType;
  sentinel.on("error", ignoreErrors);
  await sentinel.connect();
  // WAIT blocks its connection, so it runs on one of its own to the master, opened again when the master moves.
  let ackClient: { node: RedisNode; client: RedisClientType } | undefined;
  const ackClientNow = async (): Promise<RedisClientType> => {
    const node = sentinel.getMasterNode();
    if (!node) throw new ReplicaAckError();
    if (ackClient && (ackClient.node.host !== node.host || ackClient.node.port !== node.port)) {
      ackClient.client.destroy();
      ackClient = undefined;
    }
    if (!ackClient) {
      const client = plainClient(options, node);
      client.on("error", ignoreErrors);
      ackClient = { node, client };
      await client.connect();
    }
    return ackClient.client;
  };
  const acks = new AckChannel(
    config,
    async () => ({
      send: async (args) => (await ackClientNow()).sendCommand(args),
      close: async () => {
        if (ackClient) await closeClient(ackClient.client);
      },
    }),
    (args) => sentinel.sendCommand(false, args),
  );
  return {
    kind: "sentinel",
    client: sentinel as unknown as RedisClientType,
    ping: async () => void (await sentinel.sendCommand(false, ["PING"])),
    replicate: (key) => acks.replicate(key),
    subscribe: (channel, listener) =>
      FollowingSubscription.open({
        channel, listener, followTarget: true,
        target: () => sentinel.getMasterNode(),
        clientFor: (node) => plainClient(options, node),
      }),
    close: async () => {
      await acks.close().catch(() => undefined);
      // A close that fails (the master gone mid-way) must still end every connection, or the process stays up.
      if (sentinel.isReady) await sentinel.close().catch(() => sentinel.destroy());
      else sentinel.destroy();
    },
  };
}

async function connectCluster(config: RedisConfig, nodes: RedisNode[], timeoutMs: number): Promise<RedisConnection> {
  const options = nodeOptions(config, timeoutMs);
  const cluster = createCluster({
    rootNodes: nodes.map((node) => ({ socket: { host: node.host, port: node.port } })),
    defaults: options,
  }) as unknown as RedisClusterType;
  cluster.on("error", ignoreErrors);
  await cluster.connect();
  const onNodeOf = (target: RedisClusterType) => (args: string[], key: string) => target.sendCommand(key, false, args);
  const acks = new AckChannel(config, async () => {
    // WAIT blocks its connection, so it runs on a second set of connections.
    const duplicate = cluster.duplicate() as unknown as RedisClusterType;
    duplicate.on("error", ignoreErrors);
    await duplicate.connect();
    return { send: onNodeOf(duplicate), close: () => closeCluster(duplicate) };
  }, onNodeOf(cluster));
  let next = 0;
  return {
    kind: "cluster",
    client: cluster as unknown as RedisClientType,
    ping: async () => {
      await Promise.all(cluster.masters.map(async (master) => (await cluster.nodeClient(master)).ping()));
    },
    replicate: (key) => acks.replicate(key),
    // Every Cluster node hears every PUBLISH, so any master will do; another is taken when it fails.
    subscribe: (channel, listener) =>
      FollowingSubscription.open({
        channel, listener, followTarget: false,
        target: () => {
          const masters = cluster.masters;
          return masters.length ? masters[next++ % masters.length] : undefined;
        },
        clientFor: (node) => plainClient(options, node),
      }),
    close: async () => {
      await acks.close();
      await closeCluster(cluster);
    },
  };
}

function plainClient(options: RedisClientOptions, node: RedisNode): RedisClientType {
  const socket = { ...(options.socket as object), host: node.host, port: node.port };
  return createClient({ ...options, socket } as RedisClientOptions) as RedisClientType;
}

async function closeClient(client: RedisClientType): Promise<void> {
  // close() lets queued commands finish; while Redis is unreachable there is nothing to wait for.
  if (client.isReady) await client.close().catch(() => client.destroy());
  else if (client.isOpen) client.destroy();
}

async function closeCluster(cluster: RedisClusterType): Promise<void> {
  if (cluster.isOpen) await cluster.close().catch(() => cluster.destroy());
}

type Send = (args: string[], key: string) => Promise<unknown>;

/**
 * WAIT counts the writes of the connection it is sent on, and blocks that connection until it answers. So
 * it runs on a connection of its own, after a write there (a short-lived marker in the same hash slot):
 * the replication stream is one ordered log, so a replica that has the marker has every write before it.
 */
class AckChannel {
  private channel?: Promise<{ send: Send; close(): Promise<void> }>;
  /** ROLE refused by the server (a managed Redis or an ACL without it): replicas cannot be known, so none are waited for. */
  private roleRefused = false;

  constructor(
    private readonly config: RedisConfig,
    private readonly open: () => Promise<{ send: (args: string[], key: string) => Promise<unknown>; close(): Promise<void> }>,
    private readonly sendOnMain: Send,
  ) {}

  async replicate(key: string): Promise<void> {
    if (this.roleRefused) return;
    let role: [string, number, unknown[]];
    try {
      role = (await this.sendOnMain(["ROLE"], key)) as typeof role;
    } catch (err) {
      if (!(err instanceof ErrorReply)) throw err;
      this.roleRefused = true;
      return;
    }
    if (role[0] !== "master" || !role[2]?.length) return; // no replica connected: nothing could acknowledge
    const channel = await (this.channel ??= this.open().catch((err) => {
      this.channel = undefined;
      throw err;
    }));
    const tag = /\{[^}]+\}/.exec(key)?.[0] ?? "";
    await channel.send(["SET", `${this.config.keyPrefix}replica-ack:${tag}`, "1", "PX", "60000"], key);
    const acknowledged = Number(await channel.send(["WAIT", "1", String(this.config.replicaAckTimeoutMs)], key));
    if (acknowledged < 1) throw new ReplicaAckError();
  }

  async close(): Promise<void> {
    const channel = await this.channel?.catch(() => undefined);
    await channel?.close();
  }
}
