import type { Config } from "../config";
import type { Invalidation, InvalidationTarget } from "../cache/invalidation";
import { parseId } from "../entities/ids";
import { UserCache } from "./user-cache";

/** Tells every instance's UserCache that a user's row changed. */
export interface UserInvalidation {
  /**
   * Drops the user's cached row here at once and on every other instance. Call it after the write has
   * committed. It never throws: the write has happened whatever becomes of the message.
   */
  invalidate(userId: number): Promise<void>;
}

export interface UserCaching {
  cache: UserCache;
  invalidation: UserInvalidation;
}

/** The user cache as configured, on the instance's invalidation channel (src/cache/). */
export function startUserCache(config: Config, invalidation: Invalidation): UserCaching {
  const cache = new UserCache({
    ttlMs: config.userCache.ttlS * 1000,
    maxEntries: config.userCache.maxEntries,
    isListening: () => invalidation.isListening(),
  });
  return { cache, invalidation: userInvalidation(cache, invalidation) };
}

/** The user cache's messages on the channel: a user's id drops that user's row. */
export function userInvalidation(cache: UserCache, invalidation: Invalidation): UserInvalidation {
  const target: InvalidationTarget = {
    receive: (message) => {
      const id = parseId(message);
      if (id !== null) cache.drop(id);
      return id !== null;
    },
    dropAll: () => cache.dropAll(),
  };
  invalidation.register(target);
  return { invalidate: (userId) => invalidation.publish(String(userId)) };
}
