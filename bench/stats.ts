export interface Measurement {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
}

/** Exact percentiles (milliseconds) from every latency recorded. */
export function summarize(latencies: number[], elapsedS: number): Omit<Measurement, "failures"> {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : NaN);
  return { requests: sorted.length, rps: sorted.length / elapsedS, p50: at(0.5), p99: at(0.99) };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
