import type { MikroORM } from "@mikro-orm/core";

interface TarnPool {
  numUsed(): number;
  numPendingAcquires(): number;
}

/** The database pool's connections in use and callers waiting for one, for the metrics. */
export function poolLoad(orm: MikroORM): { inUse: number; waiting: number } {
  // MikroORM 6 pools through knex, whose pool is tarn's.
  const connection = orm.em.getConnection() as { getKnex?: () => { client?: { pool?: TarnPool } } };
  const pool = connection.getKnex?.().client?.pool;
  return pool ? { inUse: pool.numUsed(), waiting: pool.numPendingAcquires() } : { inUse: 0, waiting: 0 };
}
