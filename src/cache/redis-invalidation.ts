import type { Logger } from "pino";
import type { RedisClientType } from "redis";
import { ClientSubscription, type Subscription } from "../redis/subscription";
import { withTimeout } from "../timeout";
import { DROP_ALL, InvalidationTargets, invalidationChannel, type Invalidation, type InvalidationTarget } from "./invalidation";

export interface RedisInvalidationOptions {
  /** The API's Redis client, which publishes. */
  redis: RedisClientType;
  /** Subscribes on a connection of its own; by default a duplicate of `redis` (one server). */
  subscribe?: (channel: string, listener: (message: string) => void) => Promise<Subscription>;
  keyPrefix: string;
  log: Logger;
  /** A publish not answered within this time counts as failed. */
  timeoutMs: number;
  /** How long a failed invalidation is retried: after that, every value cached before it has expired. */
  retryForMs: number;
  retryEveryMs?: number;
}

/**
 * Invalidation over Redis pub/sub: each instance subscribes to the channel and hands every message to the
 * cache it names, its own messages included. While the subscriber is not connected it could miss a message,
 * so the caches are bypassed until it is (isListening), and emptied when it reconnects.
 *
 * When a publish fails, the message still acts here (and every cache here is emptied, since this instance's
 * own view of Redis is in doubt), and the other instances are owed a message: one DROP_ALL is retried until
 * Redis takes it or `retryForMs` has passed, when nothing stale can remain anyway.
 */
export class RedisInvalidation implements Invalidation {
  private readonly channel: string;
  private readonly targets = new InvalidationTargets();
  private subscribed = false;
  /** False from a subscriber error until it is ready again; only decides what is logged. */
  private healthy = true;
  /** A DROP_ALL the other instances are owed since a publish failed, and how many more tries it gets. */
  private owed?: { triesLeft: number };
  private closed = false;
  private retryTimer?: NodeJS.Timeout;

  private get retryEveryMs(): number {
    return this.options.retryEveryMs ?? 1000;
  }

  private constructor(
    private readonly options: RedisInvalidationOptions,
    private readonly subscription: Subscription,
  ) {
    this.channel = invalidationChannel(options.keyPrefix);
  }

  static async start(options: RedisInvalidationOptions): Promise<RedisInvalidation> {
    const channel = invalidationChannel(options.keyPrefix);
    let invalidation: RedisInvalidation | undefined;
    const listener = (message: string) => invalidation?.receive(message);
    const subscribe = options.subscribe ?? ((ch, l) => ClientSubscription.open(options.redis.duplicate() as RedisClientType, ch, l));
    const subscription = await subscribe(channel, listener);
    invalidation = new RedisInvalidation(options, subscription);
    subscription.on("error", (err: unknown) => invalidation!.onError(err));
    subscription.on("ready", () => invalidation!.onReady());
    invalidation.subscribed = true;
    return invalidation;
  }

  register(target: InvalidationTarget): void {
    this.targets.add(target);
  }

  isListening(): boolean {
    return this.subscribed && this.subscription.isReady;
  }

  async publish(message: string): Promise<void> {
    this.targets.deliver(message);
    if (!(await this.send(message))) this.owe();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.subscribed = false;
    await this.subscription.close();
  }

  private onError(err: unknown): void {
    // A message may have been lost with the connection (or the reply parser): forget everything. While
    // the subscriber is not ready, isListening() is false and the caches store nothing.
    this.targets.dropAll();
    if (this.healthy) this.options.log.warn({ err }, "cache invalidation: invalidation channel failed; reading from the database until it is back");
    this.healthy = false;
  }

  private onReady(): void {
    // The first connect is ready before the subscription exists, and isListening() waits for that.
    // A reconnect is ready only once node-redis has subscribed again.
    this.targets.dropAll();
    if (!this.healthy) this.options.log.info("cache invalidation: invalidation channel back; caching again");
    this.healthy = true;
  }

  private receive(message: string): void {
    if (!this.targets.deliver(message)) {
      this.options.log.warn({ message: message.slice(0, 100) }, "cache invalidation: unknown invalidation message; emptying the caches");
    }
  }

  /** True once Redis has taken the message (and handed it to every subscriber). */
  private async send(message: string): Promise<boolean> {
    try {
      await withTimeout(this.options.redis.publish(this.channel, message), this.options.timeoutMs);
      return true;
    } catch (err) {
      // Only the message's kind: a guest cart's message names its session (by the public id, but still).
      this.options.log.warn({ err, kind: message.split(":")[0] }, "cache invalidation: could not publish an invalidation; retrying, and other instances may serve the old value meanwhile");
      return false;
    }
  }

  private owe(): void {
    this.targets.dropAll();
    // Counted in tries rather than by the clock, which may jump: each try also waits for its own answer,
    // so the debt lasts at least retryForMs.
    this.owed = { triesLeft: Math.ceil(this.options.retryForMs / this.retryEveryMs) };
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer || this.closed) return;
    this.retryTimer = setTimeout(async () => {
      this.retryTimer = undefined;
      const owed = this.owed;
      if (!owed || owed.triesLeft-- <= 0) {
        this.owed = undefined;
        return;
      }
      if (await this.send(DROP_ALL)) {
        // A publish that failed while this one was on its way is still owed.
        if (this.owed === owed) this.owed = undefined;
        this.options.log.info("cache invalidation: published the invalidation owed since a failed publish");
      }
      if (this.owed) this.scheduleRetry();
    }, this.retryEveryMs);
    this.retryTimer.unref();
  }
}
