import type { UserRow } from "../entities/user.repository";
import { UserView } from "../entities/user-view";
import { ExpiringCache, type ExpiringCacheOptions } from "../cache/expiring-cache";

export type { UserRow };

export type UserCacheOptions = Omit<ExpiringCacheOptions, "shareLoads">;

/**
 * A user's row as the cache serves it: the same object to every request it serves, so it is frozen (the
 * ORM maps it without changing it or keeping its Dates, UserRepository.mapRequestRow).
 */
export class CachedUser {
  private madeView?: UserView;
  readonly row: Readonly<UserRow>;

  constructor(row: UserRow) {
    this.row = Object.freeze(row);
  }

  /** Made on first use, then shared like the row. */
  get view(): UserView {
    return (this.madeView ??= new UserView(this.row));
  }
}

/**
 * The rows of logged-in users, by id, so that a request normally needs no SQL to know who is asking.
 * It holds raw rows, not entities: a request reads the row's UserView, and maps the row into its own
 * EntityManager only when it needs the entity (`ctx.user`), which stays a managed entity of that request.
 *
 * Every user write made through the API drops the row on every instance (see user-writes.ts); the TTL,
 * the generation and the listening rules are ExpiringCache's (src/cache/).
 */
export class UserCache {
  private readonly rows: ExpiringCache<number, CachedUser | undefined>;

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
  read(id: number, load: () => Promise<UserRow | undefined>): Promise<CachedUser | undefined> {
    return this.rows.read(
      id,
      async () => {
        const row = await load();
        return row && new CachedUser(row);
      },
      // No row (a deleted user) is not stored: a session without a user is rare and ends soon.
      (user) => user !== undefined,
    );
  }

  /** Forgets one user's row. Call it after the write has committed, never before. */
  drop(id: number): void {
    this.rows.drop(id);
  }

  dropAll(): void {
    this.rows.dropAll();
  }
}
