import { DeadlockException, IsolationLevel, type EntityManager } from "@mikro-orm/core";
import { MySqlPlatform } from "@mikro-orm/mysql";

const ATTEMPTS = 3;

/**
 * A transaction for work that takes row locks (SELECT ... FOR UPDATE) and then changes those rows.
 *
 * On MySQL it runs at READ COMMITTED, so a locking read locks the matching rows only. At InnoDB's default
 * REPEATABLE READ it would also lock the gaps beside them, and two transactions locking the same ADMIN
 * rows deadlock as soon as the first moves one of them within the role index. A deadlock that still
 * happens (with some other writer) is retried from the start, as InnoDB asks. SQLite needs neither: its
 * single connection runs one transaction at a time.
 */
export async function lockingTransaction<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  const options = em.getPlatform() instanceof MySqlPlatform ? { isolationLevel: IsolationLevel.READ_COMMITTED } : {};
  for (let attempt = 1; ; attempt++) {
    try {
      return await em.transactional(work, options);
    } catch (err) {
      if (!(err instanceof DeadlockException) || attempt >= ATTEMPTS) throw err;
    }
  }
}
