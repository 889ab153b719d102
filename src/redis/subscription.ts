import { EventEmitter } from "node:events";
import type { RedisClientType } from "redis";
import type { RedisNode } from "../config";

/**
 * One channel subscribed on a connection of its own (a subscribed connection can do nothing else).
 * Emits "error" when messages may have been missed (the connection failed or moved) and "ready" when
 * they reach this process again.
 */
export interface Subscription extends EventEmitter {
  /** True while messages on the channel reach this process. */
  readonly isReady: boolean;
  close(): Promise<void>;
}

type Listener = (message: string) => void;

/** A subscription on one client, which reconnects (and node-redis subscribes again) by itself. */
export class ClientSubscription extends EventEmitter implements Subscription {
  private subscribed = false;

  private constructor(readonly client: RedisClientType) {
    super();
    this.on("error", () => undefined); // an EventEmitter throws an "error" nobody listens to
    client.on("error", (err: unknown) => this.emit("error", err));
    client.on("ready", () => this.emit("ready"));
  }

  static async open(client: RedisClientType, channel: string, listener: Listener): Promise<ClientSubscription> {
    const subscription = new ClientSubscription(client);
    try {
      await client.connect();
      await client.subscribe(channel, listener);
    } catch (err) {
      if (client.isOpen) client.destroy();
      throw err;
    }
    subscription.subscribed = true;
    return subscription;
  }

  /** The first connect is ready before the subscription exists; a reconnect only once node-redis has subscribed again. */
  get isReady(): boolean {
    return this.subscribed && this.client.isReady;
  }

  async close(): Promise<void> {
    this.subscribed = false;
    if (this.client.isReady) await this.client.close().catch(() => this.client.destroy());
    else if (this.client.isOpen) this.client.destroy();
  }
}

export interface FollowingOptions {
  channel: string;
  listener: Listener;
  /** A new, unconnected client for a node. */
  clientFor: (node: RedisNode) => RedisClientType;
  /** Where the subscription should be now, or undefined while that is not known. */
  target: () => RedisNode | undefined;
  /** Move as soon as the target changes (Sentinel: follow the master), or only once the current node fails (Cluster: any node hears every message). */
  followTarget: boolean;
  checkEveryMs?: number;
}

/**
 * A subscription that moves to another node when the topology changes: to the new master after a
 * Sentinel failover, or to another Cluster node when its own stops answering.
 */
export class FollowingSubscription extends EventEmitter implements Subscription {
  private current?: { node: RedisNode; subscription: ClientSubscription };
  private failedChecks = 0;
  private moving?: Promise<void>;
  private closed = false;
  private readonly timer: NodeJS.Timeout;

  private constructor(private readonly options: FollowingOptions) {
    super();
    this.on("error", () => undefined);
    this.timer = setInterval(() => void this.check(), options.checkEveryMs ?? 1000);
    this.timer.unref();
  }

  static async open(options: FollowingOptions): Promise<FollowingSubscription> {
    const following = new FollowingSubscription(options);
    const node = options.target();
    try {
      if (!node) throw new Error("no Redis node to subscribe on");
      await following.subscribeAt(node);
    } catch (err) {
      await following.close();
      throw err;
    }
    return following;
  }

  get isReady(): boolean {
    return !this.closed && (this.current?.subscription.isReady ?? false);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.moving?.catch(() => undefined);
    await this.current?.subscription.close().catch(() => undefined);
    this.current = undefined;
  }

  private async subscribeAt(node: RedisNode): Promise<void> {
    const subscription = await ClientSubscription.open(this.options.clientFor(node), this.options.channel, this.options.listener);
    if (this.closed) return subscription.close();
    subscription.on("error", (err) => this.emit("error", err));
    subscription.on("ready", () => this.emit("ready"));
    this.current = { node, subscription };
  }

  private async check(): Promise<void> {
    if (this.moving || this.closed) return;
    const node = this.options.target();
    const here = this.current?.node;
    const ready = this.isReady;
    this.failedChecks = ready ? 0 : this.failedChecks + 1;
    const elsewhere = node && (!here || node.host !== here.host || node.port !== here.port);
    // A Cluster node that failed twice in a row is left for another; a Sentinel master is followed at once.
    const move = elsewhere && (this.options.followTarget || this.failedChecks >= 2);
    // After a failed move there is no connection at all: try the target again.
    const to = move || !this.current ? node : undefined;
    if (!to) return;
    this.moving = this.moveTo(to).finally(() => (this.moving = undefined));
  }

  private async moveTo(node: RedisNode): Promise<void> {
    const old = this.current;
    this.current = undefined;
    // Messages sent between the old connection and the new one are lost: say so before moving.
    this.emit("error", new Error(`the invalidation subscription moves to ${node.host}:${node.port}`));
    await old?.subscription.close().catch(() => undefined);
    try {
      await this.subscribeAt(node);
      this.emit("ready");
    } catch (err) {
      this.emit("error", err); // tried again at the next check
    }
  }
}
