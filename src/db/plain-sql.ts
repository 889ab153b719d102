import type { EntityManager } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";

export type SqlValue = string | number | boolean | Date | null;

/**
 * The one way this code sends a statement of its own: MikroORM's `em.execute`, so the same pool, the
 * same transaction when the EntityManager is in one, and driver errors turned into MikroORM's exceptions
 * (DeadlockException and the rest) as for the ORM's own statements. `all` answers the rows, `get` the
 * first row, `run` the driver's result (affected rows, insert id). Everything below builds on it.
 */
export function runSql<T>(em: EntityManager, sql: string, params: readonly SqlValue[], method: "all" | "get" | "run" = "all"): Promise<T> {
  return (em as SqlEntityManager).execute<T & object>(sql, [...params], method) as Promise<T>;
}

/** The rows a SELECT answers. */
export function selectRows<T>(em: EntityManager, sql: string, params: readonly SqlValue[]): Promise<T[]> {
  return runSql<T[]>(em, sql, params, "all");
}

/** The first row a SELECT answers, or undefined. */
export async function selectRow<T>(em: EntityManager, sql: string, params: readonly SqlValue[]): Promise<T | undefined> {
  return (await runSql<T | null | undefined>(em, sql, params, "get")) ?? undefined;
}

/** Calls a stored procedure (MySQL) and answers the rows of each result set it selects, in order. */
export async function callProcedure(em: EntityManager, name: string, args: readonly SqlValue[]): Promise<unknown[][]> {
  const result = await runSql<unknown[]>(em, `call ${name}(${args.map(() => "?").join(", ")})`, args, "all");
  // mysql2 answers [result sets..., the call's own status] as the rows of a CALL.
  const sets = result.slice(0, -1);
  if (!sets.length || !sets.every(Array.isArray)) throw new Error(`procedure ${name} selected no rows`);
  return sets as unknown[][];
}
