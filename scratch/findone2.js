require("reflect-metadata");
const { MikroORM } = require("@mikro-orm/core");
const { loadConfig } = require("../dist/src/config");
const { ormOptions } = require("../dist/src/mikro-orm.config");
const { User } = require("../dist/src/entities/user.entity");
(async () => {
  const config = loadConfig({ DATABASE_URL: "mysql://root@127.0.0.1:3306/sg_bench", NODE_ENV: "test" });
  const orm = await MikroORM.init(ormOptions(config, { debug: process.env.DEBUG === "1" }));
  const id = (await orm.em.fork().findOne(User, { id: { $gt: 0 } })).id;
  const conn = orm.em.getConnection();
  const mode = process.argv[2];
  for (let i = 0; i < (process.env.DEBUG ? 2 : 5000); i++) {
    if (mode === "orm") { const em = orm.em.fork(); await em.findOne(User, id); }
    else await conn.execute("select `u0`.`id`, `u0`.`email`, `u0`.`name`, `u0`.`role`, `u0`.`created_at`, `u0`.`updated_at` from `users` as `u0` where `u0`.`id` = ? limit 1", [id]);
  }
  await orm.close();
})();
