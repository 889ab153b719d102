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
  private closed = false;

  constructor(
    private readonly size: number,
    private readonly nice: number,
  ) {}

  run(job: HashRequest): Promise<string | boolean> {
    // A job that arrives while the server closes would start a worker that nobody terminates.
    if (this.closed) return Promise.reject(new HashPoolClosedError());
    const slot = this.slots.find((s) => !s.pending) ?? this.spawn();
    return new Promise((resolve, reject) => {
      const id = ++this.nextId;
      slot.pending = { id, resolve, reject };
      slot.worker.ref(); // a job in flight keeps the process alive until it is answered
      slot.worker.postMessage({ ...job, id } satisfies HashJob);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    // Jobs in flight end with the pool: their workers' exit no longer settles them (the slots are gone).
    for (const slot of slots) {
      const pending = slot.pending;
      slot.pending = undefined;
      pending?.reject(new HashPoolClosedError());
    }
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    if (this.slots.length >= this.size) throw new Error("HashPool: more jobs than workers");
    const worker = new Worker(path.join(__dirname, "hash-worker.js"), { workerData: { nice: this.nice } });
    const slot: Slot = { worker };
    const settle = (fn: (p: Pending) => void) => {
      const pending = slot.pending;
      slot.pending = undefined;
      slot.worker.unref();
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
    // An idle pool never keeps the process alive. After the listeners: a 'message' listener added after
    // unref() refs the worker's port again (nodejs/node#53036), and a test file then never exits.
    worker.unref();
    this.slots.push(slot);
    return slot;
  }
}

export class HashPoolClosedError extends Error {
  constructor() {
    super("HashPool: closed");
  }
}
