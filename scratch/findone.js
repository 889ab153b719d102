require("reflect-metadata");
const { MikroORM } = require("@mikro-orm/core");
const { loadConfig } = require("../dist/src/config");
const { ormOptions } = require("../dist/src/mikro-orm.config");
const { User } = require("../dist/src/entities/user.entity");
(async () => {
  const config = loadConfig({ DATABASE_URL: "mysql://root@127.0.0.1:3306/sg_bench", NODE_ENV: "test" });
  const orm = await MikroORM.init(ormOptions(config));
  const id = (await orm.em.fork().findOne(User, { id: { $gt: 0 } })).id;
  for (let i = 0; i < 5000; i++) { const em = orm.em.fork(); await em.findOne(User, id); }
  await orm.close();
})();
