import { LockMode, type EntityManager } from "@mikro-orm/core";
import { MySqlPlatform } from "@mikro-orm/mysql";

/**
 * Find options that claim rows for this transaction and pass over rows another transaction holds
 * (FOR UPDATE SKIP LOCKED), so several instances each take different rows. SQLite has no row locks and
 * needs none: its one connection runs one transaction at a time, in the one process that uses the file.
 */
export function skipLocked(em: EntityManager): { lockMode?: LockMode.PESSIMISTIC_PARTIAL_WRITE } {
  return em.getPlatform() instanceof MySqlPlatform ? { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE } : {};
}
