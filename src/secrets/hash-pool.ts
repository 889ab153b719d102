import path from "node:path";
import { Worker } from "node:worker_threads";
import type { HashJob, HashRequest, HashResult } from "./hash-worker";

type Pending = { resolve: (value: string | boolean) => void; reject: (err: Error) => void };
type Slot = { worker: Worker; pending?: Pending & { id: number } };

/**
 * A fixed set of worker threads for argon2 (one job each at a time), started on first use. The caller
 * (PasswordHasher) bounds how many jobs run at once to the pool's size.
 */
export class HashPool {
  private readonly slots: Slot[] = [];
  private nextId = 0;

  constructor(
    private readonly size: number,
    private readonly nice: number,
  ) {}

  run(job: HashRequest): Promise<string | boolean> {
    const slot = this.slots.find((s) => !s.pending) ?? this.spawn();
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      slot.pending = { id, resolve, reject };
      slot.worker.postMessage({ ...job, id } satisfies HashJob);
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    if (this.slots.length >= this.size) throw new Error("HashPool: more jobs than workers");
    const worker = new Worker(path.join(__dirname, "hash-worker.js"), { workerData: { nice: this.nice } });
    worker.unref(); // an idle pool never keeps the process alive
    const slot: Slot = { worker };
    const settle = (fn: (p: Pending) => void) => {
      const pending = slot.pending;
      slot.pending = undefined;
      if (pending) fn(pending);
    };
    worker.on("message", (result: HashResult) => {
      settle((p) => ("error" in result ? p.reject(new Error(result.error)) : p.resolve(result.value)));
    });
    // A worker that dies takes only its own job down; the next job starts a fresh one.
    const remove = (err: Error) => {
      this.slots.splice(this.slots.indexOf(slot), 1);
      settle((p) => p.reject(err));
    };
    worker.on("error", remove);
    worker.on("exit", (code) => {
      if (this.slots.includes(slot)) remove(new Error(`hash worker exited (${code})`));
    });
    this.slots.push(slot);
    return slot;
  }
}
