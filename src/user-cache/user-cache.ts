import type { UserRow, UserRowSource } from "../entities/user.repository";
import { ExpiringCache, type ExpiringCacheOptions } from "../cache/expiring-cache";

export type { UserRow };

export type UserCacheOptions = Omit<ExpiringCacheOptions, "shareLoads">;

/**
 * The rows of logged-in users, by id, so that a request normally needs no SQL to know who is asking.
 * It holds raw rows, not entities: each request maps the row into its own EntityManager, so `ctx.user`
 * stays a managed entity of that request.
 *
 * Every user write made through the API drops the row on every instance (see user-writes.ts); the TTL,
 * the generation and the listening rules are ExpiringCache's (src/cache/).
 */
export class UserCache implements UserRowSource {
  private readonly rows: ExpiringCache<number, UserRow | undefined>;

  constructor(options: UserCacheOptions) {
    this.rows = new ExpiringCache(options);
  }

  get enabled(): boolean {
    return this.rows.enabled;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Whether a fresh row of this user would be served now (for tests and diagnostics). */
  has(id: number): boolean {
    return this.rows.has(id);
  }

  /** The user's row from the cache when it holds a fresh one, else from `load` (stored for next time). */
  async read(id: number, load: () => Promise<UserRow | undefined>): Promise<UserRow | undefined> {
    let loaded: { row: UserRow | undefined } | undefined;
    const cached = await this.rows.read(
      id,
      async () => {
        loaded = { row: await load() };
        // The cache keeps a copy: the request maps the row it loaded.
        return loaded.row && copyRow(loaded.row);
      },
      // No row (a deleted user) is not stored: a session without a user is rare and ends soon.
      (row) => row !== undefined,
    );
    if (loaded) return loaded.row;
    return cached && copyRow(cached);
  }

  /** Forgets one user's row. Call it after the write has committed, never before. */
  drop(id: number): void {
    this.rows.drop(id);
  }

  dropAll(): void {
    this.rows.dropAll();
  }
}

/** A copy that shares nothing mutable (Dates included) between the cache and a request's entity. */
function copyRow(row: UserRow): UserRow {
  const copy: UserRow = {};
  for (const key in row) {
    const value = row[key];
    copy[key] = value instanceof Date ? new Date(value.getTime()) : value;
  }
  return copy;
}
