import type { UserRow, UserRowSource } from "../entities/user.repository";

export type { UserRow };

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
 * It holds raw rows, not entities: each request maps the row into its own EntityManager, so `ctx.user`
 * stays a managed entity of that request.
 *
 * Every user write made through the API drops the row on every instance (see user-writes.ts).
 * The TTL bounds how long a change made around the API (SQL by hand) can go unseen.
 *
 * Eviction is by insertion order, not by use: a hit then costs no reordering of the map, and an active
 * user's row is re-inserted anyway each time its TTL runs out.
 */
export class UserCache implements UserRowSource {
  private readonly rows = new Map<number, { row: UserRow; storedAt: number }>();
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
  async read(id: number, load: () => Promise<UserRow | undefined>): Promise<UserRow | undefined> {
    if (!this.serving()) return load();
    const hit = this.fresh(id);
    if (hit) return copyRow(hit);
    const generation = this.generation;
    const row = await load();
    // No row (a deleted user) is not stored: a session without a user is rare and ends soon.
    if (row && generation === this.generation && this.serving()) this.store(id, copyRow(row));
    return row;
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

  private fresh(id: number): UserRow | undefined {
    const entry = this.rows.get(id);
    if (!entry) return undefined;
    if (this.now() - entry.storedAt < this.options.ttlMs) return entry.row;
    this.rows.delete(id);
    return undefined;
  }

  private store(id: number, row: UserRow): void {
    this.rows.delete(id);
    if (this.rows.size >= this.options.maxEntries) this.rows.delete(this.rows.keys().next().value!);
    this.rows.set(id, { row, storedAt: this.now() });
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
