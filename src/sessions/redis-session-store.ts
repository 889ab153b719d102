import { RedisStore } from "connect-redis";
import type { SessionData } from "express-session";
import type { RedisClientType } from "redis";
import { keySlot } from "../redis/hash-tags";
import { LOADED_FROM_STORE, sessionTtlSeconds, type Clock, type SessionTimeouts } from "./session-data";

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
    /** On a Cluster one MGET may only name keys of one hash slot (connect-redis #360 is that trap). */
    private readonly cluster = false,
    now: Clock = Date.now,
  ) {
    super({ client: redis, prefix, ttl: (sess) => sessionTtlSeconds(sess, timeouts, now()) });
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
    const keys = sids.map((sid) => this.prefix + sid);
    const raw = this.cluster ? await this.mGetBySlot(keys) : await this.redis.mGet(keys);
    return raw.map((value) => (value ? (JSON.parse(value) as SessionData) : null));
  }

  /** One MGET per hash slot: one in all for a user's sessions, which share their user's slot (hash-tags.ts). */
  private async mGetBySlot(keys: string[]): Promise<(string | null)[]> {
    const bySlot = new Map<number, number[]>();
    keys.forEach((key, i) => {
      const slot = keySlot(key);
      bySlot.set(slot, [...(bySlot.get(slot) ?? []), i]);
    });
    const values: (string | null)[] = new Array(keys.length).fill(null);
    await Promise.all(
      [...bySlot.values()].map(async (indexes) => {
        const found = await this.redis.mGet(indexes.map((i) => keys[i]));
        indexes.forEach((i, n) => (values[i] = found[n]));
      }),
    );
    return values;
  }
}
