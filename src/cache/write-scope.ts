import { AsyncLocalStorage } from "node:async_hooks";

/** What a scope knows of the write running in it; `open` turns false when it has ended. */
export interface OpenScope {
  open: boolean;
}

/**
 * Writes that a cache depends on: the scope they must run in (whose end invalidates the cache) and a guard,
 * installed as MikroORM's `onQuery`, that refuses such a statement sent outside any open scope, so no write
 * path can forget the invalidation. Each cache's writes (user-writes.ts, catalog-writes.ts) are one of these.
 */
export class WriteScope<S extends OpenScope> {
  private readonly current = new AsyncLocalStorage<S>();

  constructor(
    /** A statement that changes what the cache holds. */
    private readonly changes: RegExp,
    private readonly refusal: (sql: string) => Error,
    /** A statement that matches `changes` but leaves every cached value as it was. */
    private readonly harmless: (sql: string) => boolean = () => false,
  ) {}

  /** The scope of the write running in this async context, while it is open. */
  get open(): S | undefined {
    const scope = this.current.getStore();
    return scope?.open ? scope : undefined;
  }

  run<T>(scope: S, write: () => Promise<T>): Promise<T> {
    return this.current.run(scope, write);
  }

  /** Returns `sql` unless it changes what the cache holds outside an open scope; then throws. */
  readonly guard = (sql: string): string => {
    if (this.changes.test(sql) && !this.open && !this.harmless(sql)) throw this.refusal(sql);
    return sql;
  };
}

/**
 * What a flush after loading a row of `table` sends on SQLite although nothing was changed: MikroORM 7 keeps the
 * loaded datetimes as Dates but compares them as numbers there, so it writes the timestamps back (created_at
 * unchanged, updated_at now), for several rows at once as `case when` lists. No field the API shows changes, so
 * this one statement is let through.
 */
export function sqliteTimestampRewrite(table: string): RegExp {
  const q = (name: string) => String.raw`[\x60"]${name}[\x60"]`;
  const value = (column: string) => String.raw`(?:\?|case (?:when \(${q("id")} = \?\) then \? )+else ${q(column)} end)`;
  return new RegExp(
    String.raw`^update ${q(table)} set ${q("created_at")} = ${value("created_at")}, ${q("updated_at")} = ${value("updated_at")} ` +
      String.raw`where ${q("id")} (?:= \?|in \((?:\?, )*\?\))(?: returning ${q("id")})?$`,
  );
}
