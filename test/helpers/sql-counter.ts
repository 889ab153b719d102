import type { MikroORM } from "@mikro-orm/core";

export interface SqlCount<T> {
  result: T;
  /** The statements sent while `work` ran, BEGIN/COMMIT included, in order. */
  statements: string[];
}

/**
 * Counts the SQL statements the server sends while `work` runs, by listening to the ORM logger's
 * `logQuery`, which MikroORM's connection calls for every statement it sends, transactions included,
 * whether or not query logging is on. Run nothing else against the same server meanwhile: every
 * statement in that time is counted.
 */
export async function countSql<T>(orm: MikroORM, work: () => Promise<T>): Promise<SqlCount<T>> {
  const logger = orm.config.getLogger();
  const logQuery = logger.logQuery;
  const statements: string[] = [];
  logger.logQuery = (context) => {
    statements.push(String(context.query));
    return logQuery.call(logger, context);
  };
  try {
    const result = await work();
    return { result, statements };
  } finally {
    logger.logQuery = logQuery;
  }
}
