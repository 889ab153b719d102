import type { EntityManager } from "@mikro-orm/core";
import type { AbstractSqlConnection } from "@mikro-orm/knex";
import { MySqlPlatform } from "@mikro-orm/mysql";

export type SqlValue = string | number;

/**
 * A read in plain SQL through knex, the layer MikroORM sends its own statements through: the same pool,
 * the same transaction when the EntityManager is in one, the same driver errors. For the statements on
 * the busiest paths (the user's row, the cart, a page of products, the checks of a cart write), where
 * MikroORM's `connection.execute` costs about 50 µs of CPU more a statement (it formats the parameters
 * into the SQL itself and builds a log entry even when nothing is logged): 175 against 123 µs for a page
 * of products, measured alone.
 */
export async function selectRows<T>(em: EntityManager, sql: string, params: readonly SqlValue[], connection: "read" | "write" = "write"): Promise<T[]> {
  const result: unknown = await rawQuery(em, sql, params, connection);
  // mysql2 answers [rows, fields]; better-sqlite3 the rows.
  return (em.getPlatform() instanceof MySqlPlatform ? (result as [T[]])[0] : result) as T[];
}

/** The first row of selectRows, or undefined. */
export async function selectRow<T>(em: EntityManager, sql: string, params: readonly SqlValue[], connection: "read" | "write" = "write"): Promise<T | undefined> {
  return (await selectRows<T>(em, sql, params, connection))[0];
}

/**
 * Calls a stored procedure (MySQL) through knex like selectRows, and answers the rows of each result set it
 * selects, in order. A driver error comes back as MikroORM's exception for it (DeadlockException and the
 * rest), as from the ORM's own statements, so that callers can tell which ones to retry.
 */
export async function callProcedure(em: EntityManager, name: string, args: ReadonlyArray<SqlValue | boolean | Date | null>): Promise<unknown[][]> {
  let result: [unknown[]];
  try {
    result = await rawQuery(em, `call ${name}(${args.map(() => "?").join(", ")})`, args);
  } catch (err) {
    throw em.getPlatform().getExceptionConverter().convertException(err as Error);
  }
  // mysql2 answers [result sets..., the call's own status] as the rows of a CALL.
  const sets = result[0].slice(0, -1);
  if (!sets.length || !sets.every(Array.isArray)) throw new Error(`procedure ${name} selected no rows`);
  return sets as unknown[][];
}

/** A knex raw query on the ORM's pool ("read": a replica's), in the EntityManager's transaction when it has one. */
function rawQuery(em: EntityManager, sql: string, params: ReadonlyArray<SqlValue | boolean | Date | null>, connection: "read" | "write" = "write") {
  const query = (em.getConnection(connection) as AbstractSqlConnection).getKnex().raw(sql, params as never);
  const transaction = em.getTransactionContext();
  if (transaction) query.transacting(transaction);
  return query;
}
