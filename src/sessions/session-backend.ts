import type { SessionData, Store } from "express-session";
import { createClient, type RedisClientType } from "redis";
import type { Config } from "../config";
import { MemorySessionStore } from "./memory-session-store";
import { RedisSessionStore } from "./redis-session-store";
import { isExpired, type SessionTimeouts } from "./session-data";
import { MemoryUserSessionIndex, RedisUserSessionIndex, type UserSessionIndex } from "./user-session-index";

export interface LiveSession {
  publicId: string;
  data: SessionData;
}

/** The session store plus the per-user index, on Redis or in process. */
export class SessionBackend {
  private constructor(
    readonly store: RedisSessionStore | MemorySessionStore,
    private readonly index: UserSessionIndex,
    private readonly timeouts: SessionTimeouts,
    readonly redis: RedisClientType | null,
  ) {}

  static async create(config: Config): Promise<SessionBackend> {
    const timeouts = config.session;
    if (!config.redis) {
      return new SessionBackend(new MemorySessionStore(timeouts), new MemoryUserSessionIndex(), timeouts, null);
    }
    const redis = createClient({
      url: config.redis.url,
      // Fail fast while Redis is down instead of queueing commands until it returns.
      disableOfflineQueue: true,
      socket: {
        connectTimeout: config.dependencyTimeoutMs,
        reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000),
      },
    }) as RedisClientType;
    redis.on("error", () => {
      // Reported through /readyz and SERVICE_UNAVAILABLE; the client reconnects by itself.
    });
    await redis.connect();
    const prefix = config.redis.keyPrefix;
    return new SessionBackend(
      new RedisSessionStore(redis, `${prefix}sess:`, timeouts),
      new RedisUserSessionIndex(redis, prefix),
      timeouts,
      redis,
    );
  }

  get expressStore(): Store {
    return this.store;
  }

  async register(userId: number, publicId: string, sid: string): Promise<void> {
    await this.index.add(userId, publicId, sid, this.timeouts.absoluteTimeoutS);
  }

  /** The user's live sessions; entries whose session has ended are pruned on the way. */
  async list(userId: number): Promise<LiveSession[]> {
    const entries = [...(await this.index.entries(userId))];
    const data = await this.store.getMany(entries.map(([, sid]) => sid));
    const live: LiveSession[] = [];
    const dead: string[] = [];
    entries.forEach(([publicId, ], i) => {
      const sess = data[i];
      if (sess && sess.userId === userId && !isExpired(sess, this.timeouts)) live.push({ publicId, data: sess });
      else dead.push(publicId);
    });
    await this.index.remove(userId, dead);
    return live.sort((a, b) => b.data.lastSeenAt - a.data.lastSeenAt);
  }

  /** Ends the given sessions of a user (all of them when `publicIds` is omitted). Returns how many ended. */
  async end(userId: number, filter: (publicId: string) => boolean = () => true): Promise<number> {
    const entries = [...(await this.index.entries(userId))].filter(([publicId]) => filter(publicId));
    const alive = await this.store.getMany(entries.map(([, sid]) => sid));
    await Promise.all(entries.map(([, sid]) => this.destroy(sid)));
    await this.index.remove(userId, entries.map(([publicId]) => publicId));
    return alive.filter((sess) => sess && sess.userId === userId && !isExpired(sess, this.timeouts)).length;
  }

  async unregister(userId: number, publicId: string): Promise<void> {
    await this.index.remove(userId, [publicId]);
  }

  destroy(sid: string): Promise<void> {
    return new Promise((resolve, reject) => {
      void this.store.destroy(sid, (err?: unknown) => (err ? reject(err) : resolve()));
    });
  }

  async ping(): Promise<void> {
    if (this.redis) await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.store instanceof MemorySessionStore) this.store.close();
    // close() lets queued commands finish; while Redis is unreachable there is nothing to wait for.
    if (this.redis?.isReady) await this.redis.close();
    else if (this.redis?.isOpen) this.redis.destroy();
  }
}
