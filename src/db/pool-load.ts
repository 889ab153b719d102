import type { MikroORM } from "@mikro-orm/core";
import { MySqlDriver } from "@mikro-orm/mysql";

/** What a mysql2 pool keeps (mysql2 has no public figures for its pool; these fields are its own since v1). */
interface Mysql2Pool {
  _allConnections?: { length: number };
  _freeConnections?: { length: number };
  _connectionQueue?: { length: number };
}

/**
 * The database pool's connections in use and callers waiting for one, for the metrics. MikroORM 7 pools
 * MySQL through mysql2's pool, which it hands out as its native client; SQLite has no pool (0 and 0).
 */
export async function poolLoad(orm: MikroORM): Promise<{ open: number; inUse: number; waiting: number }> {
  const connection = orm.em.getConnection() as { getNativeClient?: () => Promise<unknown> };
  const driver = orm.config.get("driver");
  // The replica-aware driver (db/replicas/) is a MySqlDriver too.
  const mysql = driver === MySqlDriver || driver?.prototype instanceof MySqlDriver;
  if (!mysql || !connection.getNativeClient) return { open: 0, inUse: 0, waiting: 0 };
  try {
    const pool = (await connection.getNativeClient()) as Mysql2Pool;
    const open = pool._allConnections?.length ?? NaN;
    return { open, inUse: open - (pool._freeConnections?.length ?? NaN), waiting: pool._connectionQueue?.length ?? NaN };
  } catch {
    // No connection could be made: sessiongraph_up says so; the pool's figures are unknown.
    return { open: NaN, inUse: NaN, waiting: NaN };
  }
}
