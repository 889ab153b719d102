import type { SessionData, Store } from "express-session";
import type { RedisClientType } from "redis";
import type { Config } from "../config";
import { taggedSessionId, userIndexTag } from "../redis/hash-tags";
import { connectRedis, type RedisConnection } from "../redis/redis-connection";
import { MemorySessionStore } from "./memory-session-store";
import { RedisSessionStore } from "./redis-session-store";
import { isExpired, type Clock, type SessionTimeouts } from "./session-data";
import { MemoryUserSessionIndex, RedisUserSessionIndex, type UserSessionIndex } from "./user-session-index";

export interface LiveSession {
  publicId: string;
  data: SessionData;
}

/**
 * The session store plus the per-user index, on Redis or in process.
 *
 * On a Redis master with replicas, every change that logs someone in or out (register, unregister, end)
 * answers only once a replica has it (RedisConnection.replicate), so a failover neither loses a login nor
 * brings an ended session back.
 */
export class SessionBackend {
  private constructor(
    readonly store: RedisSessionStore | MemorySessionStore,
    private readonly index: UserSessionIndex,
    private readonly timeouts: SessionTimeouts,
    readonly connection: RedisConnection | null,
    /** What every session timeout is decided by: creation, lastSeenAt, expiry, the store's TTL. */
    readonly now: Clock,
  ) {}

  static async create(config: Config, now: Clock = Date.now): Promise<SessionBackend> {
    const timeouts = config.session;
    if (!config.redis) {
      return new SessionBackend(new MemorySessionStore(timeouts, now), new MemoryUserSessionIndex(), timeouts, null, now);
    }
    const connection = await connectRedis(config.redis, config.dependencyTimeoutMs);
    const prefix = config.redis.keyPrefix;
    // On a Cluster a user's index and sessions share a hash slot (hash-tags.ts); elsewhere the keys stay as they were.
    const cluster = connection.kind === "cluster";
    const indexKey = (userId: number) => `${prefix}user-sessions:${cluster ? userIndexTag(userId) : userId}`;
    return new SessionBackend(
      new RedisSessionStore(connection.client, `${prefix}sess:`, timeouts, cluster, now),
      new RedisUserSessionIndex(connection.client, indexKey),
      timeouts,
      connection,
      now,
    );
  }

  /** The command client, or null on the in-process store. */
  get redis(): RedisClientType | null {
    return this.connection?.client ?? null;
  }

  /** The id of a new session: on a Cluster, a logged-in user's sessions go to the slot of the user's index. */
  newSessionId(userId: number | undefined): string | undefined {
    return this.connection?.kind === "cluster" && userId !== undefined ? taggedSessionId(userId) : undefined;
  }

  get expressStore(): Store {
    return this.store;
  }

  async register(userId: number, publicId: string, sid: string): Promise<void> {
    await this.index.add(userId, publicId, sid, this.timeouts.absoluteTimeoutS);
    await this.replicated(userId);
  }

  /** The user's live sessions; entries whose session has ended are pruned on the way. */
  async list(userId: number): Promise<LiveSession[]> {
    const entries = [...(await this.index.entries(userId))];
    const data = await this.store.getMany(entries.map(([, sid]) => sid));
    const live: LiveSession[] = [];
    const dead: string[] = [];
    entries.forEach(([publicId, ], i) => {
      const sess = data[i];
      if (sess && sess.userId === userId && !isExpired(sess, this.timeouts, this.now())) live.push({ publicId, data: sess });
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
    await this.replicated(userId);
    return alive.filter((sess) => sess && sess.userId === userId && !isExpired(sess, this.timeouts, this.now())).length;
  }

  async unregister(userId: number, publicId: string): Promise<void> {
    await this.index.remove(userId, [publicId]);
    await this.replicated(userId);
  }

  /** The user's index and sessions share one node (hash-tags.ts), so one WAIT there covers both. */
  private async replicated(userId: number): Promise<void> {
    await this.connection?.replicate(this.index.keyOf(userId));
  }

  destroy(sid: string): Promise<void> {
    return new Promise((resolve, reject) => {
      void this.store.destroy(sid, (err?: unknown) => (err ? reject(err) : resolve()));
    });
  }

  async ping(): Promise<void> {
    await this.connection?.ping();
  }

  async close(): Promise<void> {
    if (this.store instanceof MemorySessionStore) this.store.close();
    await this.connection?.close();
  }
}
