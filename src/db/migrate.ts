import type { MikroORM } from "@mikro-orm/core";
import type { AbstractSqlConnection } from "@mikro-orm/sql";
import { CompiledQuery } from "kysely";
import type { Config } from "../config";

const LOCK = "sessiongraph_migrations";

/**
 * Applies pending migrations. On MySQL a named lock makes instances that start together take turns,
 * so each migration runs once.
 */
export async function migrate(orm: MikroORM, config: Config): Promise<void> {
  const migrator = orm.migrator;
  if (config.database.kind !== "mysql") {
    await migrator.up();
    return;
  }
  // GET_LOCK belongs to a connection: Kysely's connection() holds one for the lock while the migrator
  // uses the rest of the pool. Not a data statement, so it does not go through runSql.
  const connection = orm.em.getConnection() as AbstractSqlConnection;
  await connection.initClient(); // MikroORM.init connects lazily; the MySQL client is built asynchronously
  const db = connection.getClient();
  await db.connection().execute(async (locked) => {
    await locked.executeQuery(CompiledQuery.raw("SELECT GET_LOCK(?, 60)", [LOCK]));
    try {
      await migrator.up();
    } finally {
      await locked.executeQuery(CompiledQuery.raw("SELECT RELEASE_LOCK(?)", [LOCK])).catch(() => undefined);
    }
  });
}
