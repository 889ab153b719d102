import type { RedisClientType } from "redis";

/** Which sessions each user has, so that they can be listed and ended together. */
export interface UserSessionIndex {
  add(userId: number, publicId: string, sid: string, ttlS: number): Promise<void>;
  remove(userId: number, publicIds: string[]): Promise<void>;
  entries(userId: number): Promise<Map<string, string>>;
  /** The Redis key of the user's index (what a WAIT must follow); empty in process. */
  keyOf(userId: number): string;
}

export class RedisUserSessionIndex implements UserSessionIndex {
  constructor(
    private readonly redis: RedisClientType,
    readonly keyOf: (userId: number) => string,
  ) {}

  async add(userId: number, publicId: string, sid: string, ttlS: number): Promise<void> {
    const key = this.key(userId);
    // The hash outlives its longest session; dead entries are pruned whenever it is listed.
    await this.redis.multi().hSet(key, publicId, sid).expire(key, ttlS, "GT").expire(key, ttlS, "NX").exec();
  }

  async remove(userId: number, publicIds: string[]): Promise<void> {
    if (publicIds.length) await this.redis.hDel(this.key(userId), publicIds);
  }

  async entries(userId: number): Promise<Map<string, string>> {
    return new Map(Object.entries(await this.redis.hGetAll(this.key(userId))));
  }

  private key(userId: number): string {
    return this.keyOf(userId);
  }
}

export class MemoryUserSessionIndex implements UserSessionIndex {
  private readonly byUser = new Map<number, Map<string, string>>();

  async add(userId: number, publicId: string, sid: string): Promise<void> {
    const sessions = this.byUser.get(userId) ?? new Map<string, string>();
    sessions.set(publicId, sid);
    this.byUser.set(userId, sessions);
  }

  async remove(userId: number, publicIds: string[]): Promise<void> {
    const sessions = this.byUser.get(userId);
    for (const id of publicIds) sessions?.delete(id);
    if (sessions && !sessions.size) this.byUser.delete(userId);
  }

  async entries(userId: number): Promise<Map<string, string>> {
    return new Map(this.byUser.get(userId) ?? []);
  }

  keyOf(): string {
    return "";
  }
}
