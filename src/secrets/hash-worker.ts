import os from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { hashSync, verifySync, type Options } from "@node-rs/argon2";

export type HashRequest = { op: "hash"; password: string; options: Options } | { op: "verify"; hash: string; password: string };
export type HashJob = HashRequest & { id: number };
export type HashResult = { id: number; value: string | boolean } | { id: number; error: string };

// On Linux the nice value belongs to the thread, so this lowers only this worker: a burst of logins
// then gets the CPU the request thread leaves idle, instead of taking turns with it.
if (process.platform === "linux" && workerData?.nice > 0) os.setPriority(workerData.nice);

parentPort!.on("message", (job: HashJob) => {
  try {
    const value = job.op === "hash" ? hashSync(job.password, job.options) : verifySync(job.hash, job.password);
    parentPort!.postMessage({ id: job.id, value } satisfies HashResult);
  } catch (err) {
    parentPort!.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) } satisfies HashResult);
  }
});
