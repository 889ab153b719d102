import { DeadlockException, LockWaitTimeoutException } from "@mikro-orm/core";
import { setTimeout as sleep } from "node:timers/promises";

const ATTEMPTS = 5;

/**
 * Runs a whole transaction again when the database chose it as a deadlock victim or it waited too
 * long for a lock: both roll the transaction back, so a rerun starts clean. Lock ordering keeps these
 * rare; the random pause keeps two victims from colliding again straight away.
 */
export async function retryOnDeadlock<T>(transaction: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await transaction();
    } catch (err) {
      const retriable = err instanceof DeadlockException || err instanceof LockWaitTimeoutException;
      if (!retriable || attempt >= ATTEMPTS) throw err;
      await sleep(Math.random() * 20 * attempt);
    }
  }
}
