interface Row {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  ratio: number | null;
  target: number | null;
  sqlPerOp: number | null;
  redisPerOp: number | null;
  peakRssMb: number;
  cpuUsPerOp: number;
  dbCpuUsPerOp?: number;
  redisCpuUsPerOp?: number;
}

const fixed = (n: number | null | undefined, digits = 2) => (n === null || n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits));

/** The table as Markdown, so it can be pasted into docs/performance.md as it is. */
export function printTable(report: { results: Row[]; statementsPerOperation: Record<string, { sql: number; redis: number }>; floods?: any; memory?: any; cacheMemory?: any; machine: any }): void {
  const lines = [
    "| operation | req/s | p50 ms | p99 ms | p99/p50 | ratio | target | SQL/op | Redis/op | server CPU µs/op | MySQL CPU µs/op | Redis CPU µs/op | peak RSS MB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of report.results) {
    const ratio = r.ratio === null ? "baseline" : `${fixed(r.ratio)}x ${r.target !== null ? (r.ratio >= r.target ? "ok" : "MISSED") : ""}`;
    const tail = r.p99 / r.p50;
    const flags = [r.failures ? `${r.failures} failed` : "", tail > 4 ? "p99>4x" : ""].filter(Boolean).join(", ");
    lines.push(
      `| ${r.name}${flags ? ` (${flags})` : ""} | ${fixed(r.rps, 0)} | ${fixed(r.p50)} | ${fixed(r.p99)} | ${fixed(tail, 1)} | ${ratio} | ${r.target === null ? "" : `>= ${r.target}x`} | ${fixed(r.sqlPerOp)} | ${fixed(r.redisPerOp)} | ${fixed(r.cpuUsPerOp, 0)} | ${fixed(r.dbCpuUsPerOp, 0)} | ${fixed(r.redisCpuUsPerOp, 0)} | ${fixed(r.peakRssMb, 0)} |`,
    );
  }
  console.log("\n" + lines.join("\n"));
  const extra = Object.entries(report.statementsPerOperation).filter(([name]) => !report.results.some((r) => r.name === name));
  for (const [name, c] of extra) console.log(`${name}: ${fixed(c.sql)} SQL/op, ${fixed(c.redis)} Redis/op`);
  for (const [label, f] of Object.entries<any>(report.floods ?? {})) {
    const statuses = Object.entries(f.logins.statuses).map(([code, n]) => `${n} × ${code}`).join(", ");
    console.log(`me at 100 req/s: p99 ${fixed(f.idle.p99)} ms idle, ${fixed(f.during.p99)} ms during a ${label} login flood of ${f.connections} connections (${fixed(f.ratioP99)}x${label === "queue-sized" ? ", target <= 2x" : "; no target: the refusals alone saturate the request thread"}); logins: ${statuses}`);
  }
  if (report.memory) {
    const { requests, peakRssMb, peakGrowth, rssMb, growth, afterGc } = report.memory;
    const window = requests[0];
    console.log(`Peak RSS: ${fixed(peakRssMb[0], 1)} MB over the first ${window} requests, ${fixed(peakRssMb[1], 1)} MB over the last ${window} of ${requests[1]} (${fixed(peakGrowth * 100, 1)}%, target within 10%)`);
    console.log(`RSS at one instant: ${fixed(rssMb[0], 1)} MB after ${requests[0]} requests, ${fixed(rssMb[1], 1)} MB after ${requests[1]} (${fixed(growth * 100, 1)}%)`);
    console.log(`RSS after a full GC: ${fixed(afterGc.rssMb[0], 1)} MB and ${fixed(afterGc.rssMb[1], 1)} MB (${fixed(afterGc.growth * 100, 1)}%); heap used ${fixed(afterGc.heapUsedMb[0], 1)} and ${fixed(afterGc.heapUsedMb[1], 1)} MB`);
  }
  if (report.cacheMemory) {
    const { linesPerCart, pageSize, caches } = report.cacheMemory;
    const shapes: Record<string, string> = { user: "a user's row and view", cart: `a cart of ${linesPerCart} lines`, catalog: `a page of ${pageSize} products kept as records, or as its whole answer: one of each per page read` };
    for (const [name, c] of Object.entries<any>(caches)) {
      console.log(`Cache memory, ${name}: ${c.entries} entries, ${c.bytesPerEntry} bytes each (${shapes[name]}), ${fixed(c.totalMb, 1)} MB in all`);
    }
  }
  console.log(`load average at start ${report.machine.loadAverageAtStart.join(" ")}, at end ${report.machine.loadAverageAtEnd.join(" ")}`);
}
