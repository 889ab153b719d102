import type { Logger } from "pino";
import type { Config } from "../config";
import type { RedisConnection } from "../redis/redis-connection";
import { localInvalidation, type Invalidation } from "./invalidation";
import { RedisInvalidation } from "./redis-invalidation";

/**
 * The invalidation of every cache, as configured: over Redis pub/sub when the API runs on Redis (any number
 * of instances), in process on the embedded session store (one instance). `retryForMs` is the longest TTL
 * of the caches: a message that failed is retried that long, after which nothing cached before it remains.
 */
export async function startInvalidation(config: Config, connection: RedisConnection | null, log: Logger, retryForMs: number): Promise<Invalidation> {
  if (!connection) return localInvalidation();
  // Subscribed and publishing even with the caches off (TTL 0): one idle connection buys one code path,
  // and other instances may cache.
  return RedisInvalidation.start({
    redis: connection.client, keyPrefix: config.redis!.keyPrefix, log, timeoutMs: config.dependencyTimeoutMs, retryForMs,
    subscribe: (channel, listener) => connection.subscribe(channel, listener),
  });
}
