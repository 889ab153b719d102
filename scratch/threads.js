const fs = require("fs");
const { startServerProcess, runOnLoadCore } = require("../dist/bench/servers");
const { makeUsers, LOGIN, PASSWORD, BENCH_HEADERS } = require("../dist/bench/fixtures");
const mysql = require("mysql2/promise");
const threads = (pid) => Object.fromEntries(fs.readdirSync(`/proc/${pid}/task`).map((t) => { const st = fs.readFileSync(`/proc/${pid}/task/${t}/stat`, "utf8"); const f = st.slice(st.lastIndexOf(")") + 2).split(" "); const comm = fs.readFileSync(`/proc/${pid}/task/${t}/comm`, "utf8").trim(); return [t + ":" + comm, process.env.SPLIT ? Number(f[11]) * 10 : (Number(f[11]) + Number(f[12])) * 10]; }));
(async () => {
  const c = await mysql.createConnection("mysql://root@127.0.0.1:3306"); await c.query("DROP DATABASE IF EXISTS sg_bench2"); await c.query("CREATE DATABASE sg_bench2"); await c.end();
  const env = { NODE_ENV: "production", HOST: "127.0.0.1", DATABASE_URL: "mysql://root@127.0.0.1:3306/sg_bench2", REDIS_URL: "redis://127.0.0.1:6379/0", REDIS_KEY_PREFIX: "sg_bench2:", SESSION_SECRET: "x".repeat(40), TRUST_PROXY: "loopback", LOG_LEVEL: "warn", LOGIN_MAX_ATTEMPTS_PER_IP: "1000000000", LOGIN_MAX_FAILURES_PER_ACCOUNT: "1000000000", PASSWORD_HASH_NICE: process.env.HNICE ?? "19", PASSWORD_HASH_CONCURRENCY: process.env.HC ?? "4" };
  const app = await startServerProcess("api", "src/index.js", env, "/readyz", process.env.PROF ? ["--cpu-prof", "--cpu-prof-dir=/tmp/prof3"] : []);
  const users = await makeUsers(app.origin, 10, "t");
  const spec = { url: app.origin + "/graphql", method: "POST", headers: BENCH_HEADERS, connections: 8, amount: 300, variants: users.map((u) => ({ body: JSON.stringify({ query: LOGIN, variables: { email: u.email, password: PASSWORD } }) })) };
  await runOnLoadCore("load.js", [JSON.stringify({ ...spec, amount: 50 })]);
  const before = threads(app.pid);
  const r = await runOnLoadCore("load.js", [JSON.stringify(spec)]);
  const after = threads(app.pid);
  console.log("requests", r.requests, "failures", r.failures, r.statuses);
  let total = 0; for (const k of Object.keys(after)) { const d = after[k] - (before[k] || 0); total += d; if (d > 0) console.log(k.padEnd(30), (d / r.requests).toFixed(2), "ms/op"); }
  console.log("total", (total / r.requests).toFixed(2), "ms/op");
  await app.stop();
})();
