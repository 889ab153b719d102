import { wroteWithin } from "./visitor-reads";
import { hasReached, parseGtidPosition, type GtidDialect, type GtidPosition } from "./gtid-position";

export type ReplicaState = "up" | "lagging" | "down";

export interface ReplicaMonitorOptions {
  /** Whose GTIDs the positions are written in. */
  dialect: GtidDialect;
  /** The primary's position now (`@@gtid_binlog_pos`, MySQL's `@@gtid_executed`). */
  primaryPosition: () => Promise<string>;
  /** Each replica's applied position (`@@gtid_slave_pos`, MySQL's `@@gtid_executed`). */
  replicaPositions: Array<() => Promise<string>>;
  maxLagMs: number;
  readYourWritesMs: number;
  timeoutMs: number;
  everyMs?: number;
  onChange?: (replica: number, state: ReplicaState) => void;
}

/**
 * Watches how far each replica has come. Every tick it reads the primary's GTID position, then each
 * replica's: a replica that has reached the position the primary had at time T holds every write
 * committed before T ("fresh as of T"). A replica is skipped while it does not answer, or while it is not
 * fresh as of `maxLagMs` ago; a visitor who wrote at W reads from it only once it is fresh as of W (or
 * `readYourWritesMs` after W). Until the first tick, every read goes to the primary.
 */
export class ReplicaMonitor {
  private readonly samples: Array<{ at: number; position: GtidPosition }> = [];
  private readonly replicas: Array<{ state: ReplicaState; freshAsOf: number }>;
  private next = 0;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(private readonly options: ReplicaMonitorOptions) {
    this.replicas = options.replicaPositions.map(() => ({ state: "down" as ReplicaState, freshAsOf: -Infinity }));
  }

  start(): Promise<void> {
    this.timer = setInterval(() => void this.tick(), this.options.everyMs ?? 1000);
    this.timer.unref();
    return this.tick();
  }

  stop(): Promise<void> {
    clearInterval(this.timer);
    return this.ticking ?? Promise.resolve();
  }

  states(): ReplicaState[] {
    return this.replicas.map((r) => r.state);
  }

  /** A replica that may serve a visitor who last wrote at `lastWriteAt`, in turn; undefined: use the primary. */
  choose(lastWriteAt: number | undefined, now = Date.now()): number | undefined {
    // A stamp in the future is a write that may still be committing: no replica can be known to have it.
    const recentWrite = wroteWithin(lastWriteAt, this.options.readYourWritesMs, now) ? lastWriteAt! : -Infinity;
    for (let tried = 0; tried < this.replicas.length; tried++) {
      const i = this.next++ % this.replicas.length;
      const replica = this.replicas[i];
      if (replica.state === "up" && replica.freshAsOf >= recentWrite) return i;
    }
    return undefined;
  }

  /** A read on the replica failed to connect: skip it until the next tick finds it answering. */
  markDown(replica: number): void {
    this.set(replica, "down", -Infinity);
  }

  tick(): Promise<void> {
    this.ticking ??= this.sample().finally(() => (this.ticking = undefined));
    return this.ticking;
  }

  private async sample(): Promise<void> {
    const at = Date.now();
    try {
      this.samples.push({ at, position: parseGtidPosition(await this.within(this.options.primaryPosition()), this.options.dialect) });
    } catch {
      // The primary not answering is the instance's own readiness problem; the replicas are judged on what is known.
    }
    const keepFrom = at - Math.max(this.options.maxLagMs, this.options.readYourWritesMs) - 5000;
    while (this.samples.length > 1 && this.samples[0].at < keepFrom) this.samples.shift();
    await Promise.all(
      this.options.replicaPositions.map(async (position, i) => {
        try {
          const applied = parseGtidPosition(await this.within(position()), this.options.dialect);
          let freshAsOf = -Infinity;
          for (let n = this.samples.length - 1; n >= 0 && freshAsOf === -Infinity; n--) {
            if (hasReached(applied, this.samples[n].position)) freshAsOf = this.samples[n].at;
          }
          this.set(i, freshAsOf >= Date.now() - this.options.maxLagMs ? "up" : "lagging", freshAsOf);
        } catch {
          this.set(i, "down", -Infinity);
        }
      }),
    );
  }

  private set(i: number, state: ReplicaState, freshAsOf: number): void {
    const replica = this.replicas[i];
    const changed = replica.state !== state;
    replica.state = state;
    replica.freshAsOf = freshAsOf;
    if (changed) this.options.onChange?.(i, state);
  }

  private within<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no answer in time")), this.options.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
