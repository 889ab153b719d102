import type { MikroORM } from "@mikro-orm/core";
import type { Config } from "../config";

const LOCK = "sessiongraph_migrations";

/**
 * Applies pending migrations. On MySQL a named lock makes instances that start together take turns,
 * so each migration runs once.
 */
export async function migrate(orm: MikroORM, config: Config): Promise<void> {
  const migrator = orm.getMigrator();
  if (config.database.kind !== "mysql") {
    await migrator.up();
    return;
  }
  const connection = orm.em.getConnection();
  const knex = (connection as unknown as { getKnex(): import("knex").Knex }).getKnex();
  // GET_LOCK is per connection: hold one connection for the lock while the migrator uses the pool.
  const lockConnection = await knex.client.acquireConnection();
  const query = (sql: string) =>
    new Promise<void>((resolve, reject) => lockConnection.query(sql, (err: unknown) => (err ? reject(err) : resolve())));
  try {
    await query(`SELECT GET_LOCK('${LOCK}', 60)`);
    await migrator.up();
  } finally {
    await query(`SELECT RELEASE_LOCK('${LOCK}')`).catch(() => undefined);
    await knex.client.releaseConnection(lockConnection);
  }
}
