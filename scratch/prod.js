require("reflect-metadata");
const { MikroORM } = require("@mikro-orm/core");
const { loadConfig } = require("../dist/src/config");
const { ormOptions } = require("../dist/src/mikro-orm.config");
const { Product } = require("../dist/src/entities/product.entity");
(async () => {
  const config = loadConfig({ DATABASE_URL: "mysql://root@127.0.0.1:3306/sg_bench", NODE_ENV: "test" });
  const orm = await MikroORM.init(ormOptions(config));
  const N = 1500;
  const time = async (name, fn) => { for (let i = 0; i < 300; i++) await fn(); const c = process.cpuUsage(); for (let i = 0; i < N; i++) await fn(); const u = process.cpuUsage(c); console.log(name.padEnd(34), ((u.user + u.system) / N).toFixed(0), "µs"); };
  for (let r = 0; r < 2; r++) {
  await time("em.find 21", async () => { await orm.em.fork().find(Product, { active: true }, { orderBy: { id: "asc" }, limit: 21 }); });
  await time("em.count", async () => { await orm.em.fork().count(Product, { active: true }); });
  await time("qb execute all mapped", async () => { await orm.em.fork().createQueryBuilder(Product).select("*").where({ active: true }).orderBy({ id: "asc" }).limit(21).execute("all", true); });
  await time("raw execute 21", async () => { await orm.em.getConnection().execute("select id, sku, name, description, price_cents, stock, active from products where active = 1 order by id asc limit 21"); });
  await time("raw execute count", async () => { await orm.em.getConnection().execute("select count(*) as c from products where active = 1"); });
  }
  await orm.close();
})();
