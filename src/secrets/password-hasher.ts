import { randomBytes } from "node:crypto";
import { Algorithm } from "@node-rs/argon2";
import { ServiceUnavailableError } from "../errors";
import { HashPool, HashPoolClosedError } from "./hash-pool";

/** OWASP's argon2id parameters (m=19 MiB, t=2, p=1), passed explicitly so a library default cannot drift. */
const ARGON2ID = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

const busy = () => new ServiceUnavailableError("The server is busy verifying passwords. Try again in a moment.");
const closing = () => new ServiceUnavailableError("The server is shutting down. Try again in a moment.");

/**
 * argon2id with a bound on how many hashes run at once and how many may wait. A login flood then gets
 * SERVICE_UNAVAILABLE at once instead of queueing behind itself and starving every other request.
 * Hashes run on worker threads at a lower CPU priority (`nice`, Linux), so that on a busy core the
 * request thread is served first and a flood of logins slows logins, not every other request.
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: Array<{ since: number; admit: () => void; refuse: (err: Error) => void }> = [];
  private dummyHash?: Promise<string>;
  private readonly pool: HashPool;
  private closed = false;
  /** Told how long each admitted hash waited for a thread, in seconds (the hash-wait metric). */
  onWait?: (seconds: number) => void;

  /**
   * @param maxWaitMs how long a login may wait for a hash. One that waited longer is refused instead of
   *   hashed: its request has been answered by the request deadline already, and hashing for nobody
   *   would make every login behind it late too (a queue that never catches up).
   */
  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    nice = 0,
    private readonly maxWaitMs = Infinity,
  ) {
    this.pool = new HashPool(concurrency, nice);
  }

  hash(password: string): Promise<string> {
    return this.limited(() => this.pool.run({ op: "hash", password, options: ARGON2ID }) as Promise<string>);
  }

  /** Verifies against `storedHash`, or against a dummy when there is none, so both cases take as long. */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    const target = storedHash ?? (await this.dummy());
    const ok = await this.limited(() =>
      this.pool.run({ op: "verify", hash: target, password }).catch((err) => {
        if (err instanceof HashPoolClosedError) throw err;
        return false;
      }),
    );
    return ok === true && storedHash !== undefined;
  }

  /**
   * Refuses at once when a hash would be refused anyway, so a flood of logins that cannot be served
   * costs no database lookup either. Known and unknown emails are refused alike.
   */
  assertCapacity(): void {
    if (this.running >= this.concurrency && this.waiting.length >= this.maxWaiting) throw busy();
  }

  /** Hashes running and hashes waiting, for the metrics. */
  get load(): { running: number; waiting: number; capacity: number; queue: number } {
    return { running: this.running, waiting: this.waiting.length, capacity: this.concurrency, queue: this.maxWaiting };
  }

  close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(closing());
    return this.pool.close();
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hash(randomBytes(16).toString("hex")).catch((err) => {
      this.dummyHash = undefined; // a busy pool must not leave a failed dummy behind for good
      throw err;
    });
    return this.dummyHash;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    // Not "wrong password" for a login that arrives while the server closes (verify reads a failed job so).
    if (this.closed) throw closing();
    if (this.running >= this.concurrency) {
      this.dropExpired();
      if (this.waiting.length >= this.maxWaiting) throw busy();
      const since = performance.now();
      await new Promise<void>((admit, refuse) => this.waiting.push({ since, admit, refuse }));
      this.onWait?.((performance.now() - since) / 1000);
    } else {
      this.running++;
      this.onWait?.(0);
    }
    try {
      return await work();
    } catch (err) {
      throw err instanceof HashPoolClosedError ? closing() : err;
    } finally {
      this.dropExpired();
      const next = this.waiting.shift();
      if (next) next.admit(); // hand the slot over directly
      else this.running--;
    }
  }

  private dropExpired(): void {
    const now = performance.now();
    while (this.waiting.length && now - this.waiting[0].since > this.maxWaitMs) this.waiting.shift()!.refuse(busy());
  }
}
