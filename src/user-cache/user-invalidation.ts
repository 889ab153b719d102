import type { Logger } from "pino";
import type { RedisClientType } from "redis";
import type { Config } from "../config";
import type { RedisConnection } from "../redis/redis-connection";
import { ClientSubscription, type Subscription } from "../redis/subscription";
import { parseId } from "../entities/ids";
import { withTimeout } from "../timeout";
import { UserCache } from "./user-cache";

/** Tells every instance's UserCache that a user's row changed. */
export interface UserInvalidation {
  /**
   * Drops the user's cached row here at once and on every other instance. Call it after the write has
   * committed. It never throws: the write has happened whatever becomes of the message.
   */
  invalidate(userId: number): Promise<void>;
  close(): Promise<void>;
}

export interface UserCaching {
  cache: UserCache;
  invalidation: UserInvalidation;
}

/**
 * The user cache and its invalidation, as configured: over Redis pub/sub when the API runs on Redis (any
 * number of instances), in process on the embedded session store (one instance).
 */
export async function startUserCache(config: Config, connection: RedisConnection | null, log: Logger): Promise<UserCaching> {
  const redis = connection?.client ?? null;
  const ttlMs = config.userCache.ttlS * 1000;
  let subscribed: RedisUserInvalidation | undefined;
  const cache = new UserCache({
    ttlMs,
    maxEntries: config.userCache.maxEntries,
    isListening: redis ? () => subscribed?.isListening() ?? false : undefined,
  });
  if (!redis) return { cache, invalidation: localUserInvalidation(cache) };
  // Subscribed and publishing even with this cache off (USER_CACHE_TTL_S=0): one idle connection buys
  // one code path, and other instances may cache.
  subscribed = await RedisUserInvalidation.start({
    cache, redis, keyPrefix: config.redis!.keyPrefix, log, timeoutMs: config.dependencyTimeoutMs, retryForMs: ttlMs,
    subscribe: (channel, listener) => connection!.subscribe(channel, listener),
  });
  return { cache, invalidation: subscribed };
}

/** One process (the in-process session store): nothing to tell anyone else. */
export function localUserInvalidation(cache: UserCache): UserInvalidation {
  return {
    invalidate: async (userId) => cache.drop(userId),
    close: async () => undefined,
  };
}

/** The pub/sub channel of a deployment. Channels ignore Redis database numbers, so the key prefix sets them apart. */
export const invalidationChannel = (keyPrefix: string) => `${keyPrefix}user-cache`;

/** The message that empties every instance's cache, e.g. after users were changed in SQL by hand. */
export const DROP_ALL = "*";

export interface RedisUserInvalidationOptions {
  cache: UserCache;
  /** The API's Redis client, which publishes. */
  redis: RedisClientType;
  /** Subscribes on a connection of its own; by default a duplicate of `redis` (one server). */
  subscribe?: (channel: string, listener: (message: string) => void) => Promise<Subscription>;
  keyPrefix: string;
  log: Logger;
  /** A publish not answered within this time counts as failed. */
  timeoutMs: number;
  /** How long a failed invalidation is retried: after that, every row cached before it has expired. */
  retryForMs: number;
  retryEveryMs?: number;
}

/**
 * Invalidation over Redis pub/sub: each instance subscribes to the channel and drops the rows named
 * there, its own messages included. While the subscriber is not connected it could miss a message, so
 * the cache is bypassed until it is, and emptied when it reconnects.
 *
 * When a publish fails, the row is still dropped here (and this whole cache is emptied, since this
 * instance's own view of Redis is in doubt), and the other instances are owed a message: one DROP_ALL is
 * retried until Redis takes it or `retryForMs` has passed, when nothing stale can remain anyway.
 */
export class RedisUserInvalidation implements UserInvalidation {
  private readonly channel: string;
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
    private readonly options: RedisUserInvalidationOptions,
    private readonly subscription: Subscription,
  ) {
    this.channel = invalidationChannel(options.keyPrefix);
  }

  /** Whether invalidations reach this instance now: give this to the UserCache as `isListening`. */
  isListening(): boolean {
    return this.subscribed && this.subscription.isReady;
  }

  static async start(options: RedisUserInvalidationOptions): Promise<RedisUserInvalidation> {
    const channel = invalidationChannel(options.keyPrefix);
    let invalidation: RedisUserInvalidation | undefined;
    const listener = (message: string) => invalidation?.receive(message);
    const subscribe = options.subscribe ?? ((ch, l) => ClientSubscription.open(options.redis.duplicate() as RedisClientType, ch, l));
    const subscription = await subscribe(channel, listener);
    invalidation = new RedisUserInvalidation(options, subscription);
    subscription.on("error", (err: unknown) => invalidation!.onError(err));
    subscription.on("ready", () => invalidation!.onReady());
    invalidation.subscribed = true;
    return invalidation;
  }

  async invalidate(userId: number): Promise<void> {
    this.options.cache.drop(userId);
    if (!(await this.publish(String(userId)))) this.owe();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    this.subscribed = false;
    await this.subscription.close();
  }

  private onError(err: unknown): void {
    // A message may have been lost with the connection (or the reply parser): forget everything. While
    // the subscriber is not ready, isListening() is false and the cache stores nothing.
    this.options.cache.dropAll();
    if (this.healthy) this.options.log.warn({ err }, "user cache: invalidation channel failed; reading users from the database until it is back");
    this.healthy = false;
  }

  private onReady(): void {
    // The first connect is ready before the subscription exists, and isListening() waits for that.
    // A reconnect is ready only once node-redis has subscribed again.
    this.options.cache.dropAll();
    if (!this.healthy) this.options.log.info("user cache: invalidation channel back; caching users again");
    this.healthy = true;
  }

  private receive(message: string): void {
    const id = parseId(message);
    if (id !== null) return this.options.cache.drop(id);
    if (message !== DROP_ALL) this.options.log.warn({ message: message.slice(0, 100) }, "user cache: unknown invalidation message; emptying the cache");
    this.options.cache.dropAll();
  }

  /** True once Redis has taken the message (and handed it to every subscriber). */
  private async publish(message: string): Promise<boolean> {
    try {
      await withTimeout(this.options.redis.publish(this.channel, message), this.options.timeoutMs);
      return true;
    } catch (err) {
      this.options.log.warn({ err, message }, "user cache: could not publish an invalidation; retrying, and other instances may serve the old row meanwhile");
      return false;
    }
  }

  private owe(): void {
    this.options.cache.dropAll();
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
      if (await this.publish(DROP_ALL)) {
        // A publish that failed while this one was on its way is still owed.
        if (this.owed === owed) this.owed = undefined;
        this.options.log.info("user cache: published the invalidation owed since a failed publish");
      }
      if (this.owed) this.scheduleRetry();
    }, this.retryEveryMs);
    this.retryTimer.unref();
  }
}
