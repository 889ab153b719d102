const { PasswordHasher } = require("../dist/src/auth/password-hasher");
const { hash, verify, Algorithm } = require("@node-rs/argon2");
(async () => {
  const opts = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
  const stored = await hash("pw-pw-pw-pw", opts);
  const run = async (name, fn, n = 200, c = 8) => {
    const cpu = process.cpuUsage(); const t = performance.now(); let done = 0;
    await Promise.all(Array.from({ length: c }, async () => { while (done < n) { done++; await fn(); } }));
    const u = process.cpuUsage(cpu); console.log(name, ((u.user + u.system) / n / 1000).toFixed(1), "ms cpu/op", (n / ((performance.now() - t) / 1000)).toFixed(1), "/s");
  };
  const h = new PasswordHasher(4, 100, Number(process.env.NICE || 0));
  for (let i = 0; i < 2; i++) { await run("raw async verify", () => verify(stored, "pw-pw-pw-pw")); await run("pool verify     ", () => h.verify(stored, "pw-pw-pw-pw")); }
  await h.close();
})();
