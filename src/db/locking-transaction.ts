import { IsolationLevel, type EntityManager } from "@mikro-orm/core";
import { MySqlPlatform } from "@mikro-orm/mysql";
import { retryOnDeadlock } from "./retry";

/**
 * A transaction for work that takes row locks (SELECT ... FOR UPDATE) and then changes those rows.
 *
 * On MySQL it runs at READ COMMITTED, so a locking read locks the matching rows only. At InnoDB's default
 * REPEATABLE READ it would also lock the gaps beside them, and two transactions locking the same ADMIN
 * rows deadlock as soon as the first moves one of them within the role index. A deadlock that still
 * happens (with some other writer) is retried from the start by retryOnDeadlock. SQLite needs neither: its
 * single connection runs one transaction at a time.
 */
export async function lockingTransaction<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const options = em.getPlatform() instanceof MySqlPlatform ? { isolationLevel: IsolationLevel.READ_COMMITTED } : {};
  return retryOnDeadlock(() => em.transactional(work, options));
}
