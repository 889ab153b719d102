require("reflect-metadata");
const { MikroORM } = require("@mikro-orm/core");
const { loadConfig } = require("../dist/src/config");
const { ormOptions } = require("../dist/src/mikro-orm.config");
const { User } = require("../dist/src/entities/user.entity");
(async () => {
  const config = loadConfig({ DATABASE_URL: "mysql://root@127.0.0.1:3306/sg_bench", NODE_ENV: "test" });
  const orm = await MikroORM.init(ormOptions(config, { debug: process.env.DEBUG === "1" }));
  const id = (await orm.em.fork().findOne(User, { id: { $gt: 0 } })).id;
  const em = orm.em.fork(); const u = await em.getRepository(User).findForRequest(id); console.log(u, em.getUnitOfWork().getById("User", id) === u, u.createdAt instanceof Date);
  const N = 3000; for (const m of ["orm", "req", "orm", "req"]) { const c = process.cpuUsage();
  for (let i = 0; i < N; i++) { const em = orm.em.fork(); if (m === "orm") await em.findOne(User, id); else await em.getRepository(User).findForRequest(id); }
  const x = process.cpuUsage(c); console.log(m, ((x.user + x.system) / N).toFixed(0), "µs"); }
  await orm.close();
})();
