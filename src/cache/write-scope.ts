import { AsyncLocalStorage } from "node:async_hooks";
import type { EntityManager } from "@mikro-orm/core";

/** The keys a write running in this async context changes; invalidated when it ends. */
interface OpenScope<K> {
  keys: Map<string, K>;
  open: boolean;
}

export interface WriteScopeOptions<K> {
  /** The writer's name, for the errors (writeUser, writeCatalog, writeCart). */
  name: string;
  /** A statement that changes what the cache holds (see statementsChanging). */
  changes: RegExp;
  refusal: (sql: string) => Error;
  /**
   * The table whose timestamps-only rewrite on SQLite (sqliteTimestampRewrite below) is let through: it
   * matches `changes` but leaves every cached value as it was.
   */
  timestampsOf: string;
  /** The key's identity: a key named twice is invalidated once. */
  idOf: (key: K) => string;
}

/**
 * Writes that a cache depends on, and the one rule they follow (user-writes.ts, catalog-writes.ts,
 * cart-writes.ts): `write` runs the write, which opens its own transaction, then invalidates the keys it
 * changed on every instance before the caller answers; also when the write failed, since a COMMIT whose answer
 * was lost may still have happened and a needless drop costs one SELECT; never before the transaction ends,
 * where a read could store the old value again. A write inside another of the same scope joins it, and the
 * outer one invalidates every key after its commit. `guard`, installed as MikroORM's `onQuery`, refuses such a
 * statement sent outside any open scope, so no write path can forget the invalidation.
 */
export class WriteScope<K> {
  private readonly current = new AsyncLocalStorage<OpenScope<K>>();
  private readonly timestampRewrite: RegExp;

  constructor(private readonly options: WriteScopeOptions<K>) {
    this.timestampRewrite = sqliteTimestampRewrite(options.timestampsOf);
  }

  private get open(): OpenScope<K> | undefined {
    const scope = this.current.getStore();
    return scope?.open ? scope : undefined;
  }

  async write<T>(em: EntityManager, keys: readonly K[], invalidate: (key: K) => Promise<void>, write: () => Promise<T>): Promise<T> {
    const outer = this.open;
    if (outer) {
      for (const key of keys) outer.keys.set(this.options.idOf(key), key);
      return write();
    }
    if (em.isInTransaction()) {
      throw new Error(`${this.options.name} must open the transaction itself: inside another, it would invalidate before the commit`);
    }
    const scope: OpenScope<K> = { keys: new Map(keys.map((key) => [this.options.idOf(key), key])), open: true };
    try {
      return await this.current.run(scope, write);
    } finally {
      scope.open = false;
      // invalidate never throws: the write has happened whatever becomes of the message.
      await Promise.all([...scope.keys.values()].map(invalidate));
    }
  }

  /** Runs writes the guard would refuse but that change nothing cached (a cart's idle touch): nothing is invalidated. */
  untracked<T>(write: () => Promise<T>): Promise<T> {
    return this.current.run({ keys: new Map(), open: true }, write);
  }

  /** Returns `sql` unless it changes what the cache holds outside an open scope; then throws. */
  readonly guard = (sql: string): string => {
    if (this.options.changes.test(sql) && !this.open && !this.timestampRewrite.test(sql)) throw this.options.refusal(sql);
    return sql;
  };
}

/**
 * A statement that adds, changes or removes rows of `tables` (quoted or not): UPDATE, DELETE, REPLACE, and
 * INSERT, or with `inserts: "upserts"` only an INSERT that may change an existing row (ON DUPLICATE KEY UPDATE,
 * ON CONFLICT), for a cache that never holds a row before it exists. `also`: further statements, as patterns.
 */
export function statementsChanging(tables: readonly string[], inserts: "any" | "upserts", also: readonly string[] = []): RegExp {
  const table = String.raw`[\x60"]?(?:${tables.join("|")})[\x60"]?`;
  const insert =
    inserts === "any"
      ? String.raw`insert\s+(?:ignore\s+)?into\s+${table}[\s(]`
      : String.raw`insert\s+(?:ignore\s+)?into\s+${table}[\s(][\s\S]*\bon\s+(?:duplicate\s+key\s+update|conflict)\b`;
  const kinds = [
    String.raw`update\s+(?:ignore\s+)?${table}\s`,
    String.raw`delete\s+(?:\S+\s+)?from\s+${table}(?:\s|$)`,
    String.raw`replace\s+into\s+${table}[\s(]`,
    insert,
    ...also,
  ];
  return new RegExp(String.raw`^\s*(?:${kinds.join("|")})`, "i");
}

/**
 * What a flush after loading a row of `table` sends on SQLite although nothing was changed: MikroORM 7 keeps the
 * loaded datetimes as Dates but compares them as numbers there, so it writes the timestamps back (created_at
 * unchanged, updated_at now), for several rows at once as `case when` lists. No field the API shows changes, so
 * this one statement is let through.
 */
function sqliteTimestampRewrite(table: string): RegExp {
  const q = (name: string) => String.raw`[\x60"]${name}[\x60"]`;
  const value = (column: string) => String.raw`(?:\?|case (?:when \(${q("id")} = \?\) then \? )+else ${q(column)} end)`;
  return new RegExp(
    String.raw`^update ${q(table)} set ${q("created_at")} = ${value("created_at")}, ${q("updated_at")} = ${value("updated_at")} ` +
      String.raw`where ${q("id")} (?:= \?|in \((?:\?, )*\?\))(?: returning ${q("id")})?$`,
  );
}
