/** A cache the invalidation channel drives (the user cache, the catalog cache). */
export interface InvalidationTarget {
  /** Acts on a message meant for this cache and says so; false when the message is another cache's. */
  receive(message: string): boolean;
  dropAll(): void;
}

/**
 * Tells every instance's caches that something changed: one channel for all of them, each message read by
 * the cache it names (a user id for the user cache, `catalog` for the catalog cache and the cart cache,
 * `cart:u:<id>` or `cart:s:<session key>` for the cart cache, DROP_ALL for all).
 */
export interface Invalidation {
  /** Caches that act on the messages, this instance's own included. */
  register(target: InvalidationTarget): void;
  /**
   * Acts on `message` here at once and on every other instance. Call it after the write has committed.
   * It never throws: the write has happened whatever becomes of the message.
   */
  publish(message: string): Promise<void>;
  /** Whether invalidations reach this instance now: the caches' `isListening`. */
  isListening(): boolean;
  close(): Promise<void>;
}

/** The message that empties every cache of every instance, e.g. after rows were changed in SQL by hand. */
export const DROP_ALL = "*";

/**
 * The pub/sub channel of a deployment. Channels ignore Redis database numbers, so the key prefix sets them
 * apart. Named when it carried the user cache's messages only, and kept so that instances of the previous
 * release hear this one's during a rolling upgrade (a message they do not understand empties their cache).
 */
export const invalidationChannel = (keyPrefix: string) => `${keyPrefix}user-cache`;

/** Hands a message to the cache it names; one no cache understands empties them all. */
export class InvalidationTargets {
  private readonly targets: InvalidationTarget[] = [];

  add(target: InvalidationTarget): void {
    this.targets.push(target);
  }

  /**
   * Every cache sees every message, since one may heed another's (the cart cache empties itself on the
   * catalog's). False when no cache understood the message (they were all emptied).
   */
  deliver(message: string): boolean {
    if (message !== DROP_ALL) {
      let understood = false;
      for (const target of this.targets) understood = target.receive(message) || understood;
      if (understood) return true;
    }
    this.dropAll();
    return message === DROP_ALL;
  }

  dropAll(): void {
    for (const target of this.targets) target.dropAll();
  }
}

/** One process (the in-process session store): nothing to tell anyone else. */
export function localInvalidation(): Invalidation {
  const targets = new InvalidationTargets();
  return {
    register: (target) => targets.add(target),
    publish: async (message) => void targets.deliver(message),
    isListening: () => true,
    close: async () => undefined,
  };
}
