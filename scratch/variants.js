const { startServerProcess, runOnLoadCore } = require("../dist/bench/servers");
(async () => {
  for (const variant of ["", "json", "leanjson", "cors", "leancors", "", "json", "leanjson", "cors", "leancors"]) {
    const s = await startServerProcess("v", "../scratch/variant-server.js", { VARIANT: variant }, "/session");
    const spec = { url: s.origin + "/session", method: "POST", headers: { "content-type": "application/json", "x-forwarded-proto": "https" }, body: JSON.stringify({ query: "{ me { id email name role createdAt } }" }), connections: 10, durationS: 3 };
    await runOnLoadCore("load.js", [JSON.stringify(spec)]);
    const c = s.cpuSeconds(); const r = await runOnLoadCore("load.js", [JSON.stringify({ ...spec, durationS: 5 })]);
    console.log((variant || "bare").padEnd(20), r.rps.toFixed(0), "rps", (((s.cpuSeconds() - c) * 1e6) / r.requests).toFixed(0), "µs/op");
    await s.stop();
  }
})();
