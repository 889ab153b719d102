import type { UserRow } from "../entities/user.repository";
import { UserView } from "../entities/user-view";

export type { UserRow };

/**
 * A user's row as the cache serves it: the same object to every request it serves, so it is frozen, and
 * whoever maps it into an EntityManager maps a copy (UserRepository.mapRequestRow).
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

export interface UserCacheOptions {
  /** How long a row may be served without being read again; 0 turns the cache off. */
  ttlMs: number;
  maxEntries: number;
  /**
   * False while invalidations may be missed (the Redis subscriber is not connected): every read goes to
   * the database and nothing is stored. Whoever flips it back to true calls dropAll() first.
   */
  isListening?: () => boolean;
  now?: () => number;
}

/**
 * The rows of logged-in users, by id, so that a request normally needs no SQL to know who is asking.
 * It holds raw rows, not entities: a request reads the row's UserView, and maps the row into its own
 * EntityManager only when it needs the entity (`ctx.user`), which stays a managed entity of that request.
 *
 * Every user write made through the API drops the row on every instance (see user-writes.ts).
 * The TTL bounds how long a change made around the API (SQL by hand) can go unseen.
 *
 * Eviction is by insertion order, not by use: a hit then costs no reordering of the map, and an active
 * user's row is re-inserted anyway each time its TTL runs out.
 */
export class UserCache {
  private readonly rows = new Map<number, { user: CachedUser; storedAt: number }>();
  /** Moves on with every invalidation, so that a read which started before one does not store what it read. */
  private generation = 0;
  private readonly isListening: () => boolean;
  private readonly now: () => number;

  constructor(private readonly options: UserCacheOptions) {
    this.isListening = options.isListening ?? (() => true);
    // A monotonic clock: a wall clock set back would keep rows past their TTL.
    this.now = options.now ?? (() => performance.now());
  }

  get enabled(): boolean {
    return this.options.ttlMs > 0;
  }

  get size(): number {
    return this.rows.size;
  }

  /** Whether a fresh row of this user would be served now (for tests and diagnostics). */
  has(id: number): boolean {
    return this.fresh(id) !== undefined;
  }

  /** The user's row from the cache when it holds a fresh one, else from `load` (stored for next time). */
  async read(id: number, load: () => Promise<UserRow | undefined>): Promise<CachedUser | undefined> {
    if (!this.serving()) return found(await load());
    const hit = this.fresh(id);
    if (hit) return hit;
    const generation = this.generation;
    const user = found(await load());
    // No row (a deleted user) is not stored: a session without a user is rare and ends soon.
    if (user && generation === this.generation && this.serving()) this.store(id, user);
    return user;
  }

  /** Forgets one user's row. Call it after the write has committed, never before. */
  drop(id: number): void {
    this.generation++;
    this.rows.delete(id);
  }

  dropAll(): void {
    this.generation++;
    this.rows.clear();
  }

  private serving(): boolean {
    return this.enabled && this.isListening();
  }

  private fresh(id: number): CachedUser | undefined {
    const entry = this.rows.get(id);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt < this.options.ttlMs) return entry.user;
    this.rows.delete(id);
    return undefined;
  }

  private store(id: number, user: CachedUser): void {
    this.rows.delete(id);
    if (this.rows.size >= this.options.maxEntries) this.rows.delete(this.rows.keys().next().value!);
    this.rows.set(id, { user, storedAt: this.now() });
  }
}

const found = (row: UserRow | undefined) => (row ? new CachedUser(row) : undefined);
