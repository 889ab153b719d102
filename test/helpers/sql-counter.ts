import type { MikroORM } from "@mikro-orm/core";
import type { Knex } from "knex";

export interface SqlCount<T> {
  result: T;
  /** The statements sent while `work` ran, BEGIN/COMMIT included, in order. */
  statements: string[];
}

/**
 * Counts the SQL statements the server sends while `work` runs, by listening to knex's `query` event
 * (every MikroORM statement goes through knex, transactions included). Run nothing else against the
 * same server meanwhile: every statement in that time is counted.
 */
export async function countSql<T>(orm: MikroORM, work: () => Promise<T>): Promise<SqlCount<T>> {
  const knex = (orm.em.getConnection() as unknown as { getKnex(): Knex }).getKnex();
  const statements: string[] = [];
  const listener = (query: { sql: string }) => statements.push(query.sql);
  knex.on("query", listener);
  try {
    const result = await work();
    return { result, statements };
  } finally {
    knex.off("query", listener);
  }
}
