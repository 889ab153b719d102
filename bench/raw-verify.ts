/**
 * The login baseline: @node-rs/argon2 verify in a loop, `concurrency` at a time, with the same
 * parameters as the API's hasher, for `durationS` seconds. Prints one JSON line.
 */
import { Algorithm, hash, verify } from "@node-rs/argon2";
import { summarize } from "./stats";

async function main(): Promise<void> {
  const [concurrency, durationS] = [Number(process.argv[2] ?? 8), Number(process.argv[3] ?? 5)];
  const password = "correct horse battery staple";
  const stored = await hash(password, { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  const latencies: number[] = [];
  const deadline = performance.now() + durationS * 1000;
  const start = performance.now();
  const cpu = process.cpuUsage();
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      if (!(await verify(stored, password))) throw new Error("verify failed");
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedS = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuUsPerOp = (used.user + used.system) / latencies.length;
  console.log(JSON.stringify({ ...summarize(latencies, elapsedS), failures: 0, cpuUsPerOp }));
}

void main();
