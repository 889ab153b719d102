const { startServerProcess } = require("../dist/bench/servers");
const { makeUsers, LOGIN, PASSWORD, BENCH_HEADERS } = require("../dist/bench/fixtures");
const mysql = require("mysql2/promise");
(async () => {
  const c = await mysql.createConnection("mysql://root@127.0.0.1:3306"); await c.query("DROP DATABASE IF EXISTS sg_bench2"); await c.query("CREATE DATABASE sg_bench2"); await c.end();
  const env = { NODE_ENV: "production", HOST: "127.0.0.1", DATABASE_URL: "mysql://root@127.0.0.1:3306/sg_bench2", REDIS_URL: "redis://127.0.0.1:6379/0", REDIS_KEY_PREFIX: "sg_bench2:", SESSION_SECRET: "x".repeat(40), TRUST_PROXY: "loopback", LOG_LEVEL: "warn", LOGIN_MAX_ATTEMPTS_PER_IP: "1000000000", LOGIN_MAX_FAILURES_PER_ACCOUNT: "1000000000", PASSWORD_HASH_NICE: process.env.HNICE ?? "0" };
  const app = await startServerProcess("api", "src/index.js", env, "/readyz");
  const users = await makeUsers(app.origin, 20, "t");
  const reasons = {}; let ok = 0; const lat = [];
  const deadline = Date.now() + 6000;
  await Promise.all(Array.from({ length: Number(process.env.CONN ?? 34) }, async (_, i) => {
    let k = i;
    while (Date.now() < deadline) {
      const u = users[k++ % users.length]; const t = performance.now();
      const res = await fetch(app.origin + "/graphql", { method: "POST", headers: BENCH_HEADERS, body: JSON.stringify({ query: LOGIN, variables: { email: u.email, password: PASSWORD } }) });
      const body = await res.json(); lat.push(performance.now() - t);
      if (body.errors) { const m = res.status + " " + body.errors[0].message.slice(0, 60); reasons[m] = (reasons[m] ?? 0) + 1; } else ok++;
    }
  }));
  lat.sort((a, b) => a - b);
  console.log("ok", ok, reasons, "p50", lat[lat.length >> 1].toFixed(0), "max", lat.at(-1).toFixed(0));
  await app.stop();
})();
