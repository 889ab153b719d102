import { RedisStore } from "connect-redis";
import type { SessionData } from "express-session";
import type { RedisClientType } from "redis";
import { LOADED_FROM_STORE, sessionTtlSeconds, type SessionTimeouts } from "./session-data";

type Callback = (err?: unknown, data?: unknown) => void;

/**
 * connect-redis, except that:
 * - a session loaded earlier in a request is written back only if it still exists (SET XX). Without that,
 *   a slow request that overlaps a logout or a revocation would write the ended session back to life
 *   when it finishes;
 * - a request that does not change the session sends nothing: its key expires when the session ends by
 *   the rules (sessionTtlSeconds), and that moves only when the session is saved.
 */
export class RedisSessionStore extends RedisStore {
  constructor(
    private readonly redis: RedisClientType,
    prefix: string,
    timeouts: SessionTimeouts,
  ) {
    super({ client: redis, prefix, ttl: (sess) => sessionTtlSeconds(sess, timeouts) });
  }

  override async set(sid: string, sess: SessionData, cb?: Callback): Promise<unknown> {
    if (!(sess as unknown as Record<symbol, unknown>)[LOADED_FROM_STORE]) return super.set(sid, sess, cb);
    try {
      const ttl = typeof this.ttl === "function" ? this.ttl(sess) : this.ttl;
      if (ttl <= 0) return await this.destroy(sid, cb);
      await this.redis.set(this.prefix + sid, JSON.stringify(sess), {
        expiration: { type: "EX", value: ttl },
        condition: "XX",
      });
      cb?.();
    } catch (err) {
      if (!cb) throw err;
      cb(err);
    }
    return undefined;
  }

  override touch(_sid: string, _sess: SessionData, cb?: Callback): Promise<unknown> {
    cb?.();
    return Promise.resolve(undefined);
  }

  /** Reads several sessions in one round trip; missing ones come back as null. */
  async getMany(sids: string[]): Promise<(SessionData | null)[]> {
    if (!sids.length) return [];
    const raw = await this.redis.mGet(sids.map((sid) => this.prefix + sid));
    return raw.map((value) => (value ? (JSON.parse(value) as SessionData) : null));
  }
}
