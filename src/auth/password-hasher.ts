import { randomBytes } from "node:crypto";
import { Algorithm, hash, verify } from "@node-rs/argon2";
import { ServiceUnavailableError } from "../errors";

/** OWASP's argon2id parameters (m=19 MiB, t=2, p=1), passed explicitly so a library default cannot drift. */
const ARGON2ID = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * argon2id with a bound on how many hashes run at once and how many may wait. A login flood then gets
 * SERVICE_UNAVAILABLE at once instead of queueing behind itself and starving every other request.
 */
export class PasswordHasher {
  private running = 0;
  private readonly waiting: Array<() => void> = [];
  private dummyHash?: Promise<string>;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, ARGON2ID));
  }

  /** Verifies against `storedHash`, or against a dummy when there is none, so both cases take as long. */
  async verify(storedHash: string | undefined, password: string): Promise<boolean> {
    const target = storedHash ?? (await this.dummy());
    const ok = await this.limited(() => verify(target, password).catch(() => false));
    return ok && storedHash !== undefined;
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= hash(randomBytes(16).toString("hex"), ARGON2ID);
    return this.dummyHash;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new ServiceUnavailableError("The server is busy verifying passwords. Try again in a moment.");
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // hand the slot over directly
      else this.running--;
    }
  }
}
