require("reflect-metadata");
const { MikroORM } = require("@mikro-orm/core");
const { loadConfig } = require("../dist/src/config");
const { ormOptions } = require("../dist/src/mikro-orm.config");
const { Product } = require("../dist/src/entities/product.entity");
const { paginate } = require("../dist/src/entities/pagination");
(async () => {
  for (const env of [{ DATABASE_URL: "mysql://root@127.0.0.1:3306/sg_bench" }, { SQLITE_PATH: "/tmp/h7plain.sqlite" }]) {
    const config = loadConfig({ ...env, NODE_ENV: "test" });
    const orm = await MikroORM.init(ormOptions(config));
    if (env.SQLITE_PATH) { await orm.getMigrator().up(); const em = orm.em.fork(); em.create(Product, { sku: "X1", name: "n", description: "d", priceCents: 5, stock: 3, active: false }); await em.flush(); }
    const page = await paginate(orm.em.fork(), Product, {}, { first: 2 }, "asc", { hydrate: false });
    console.log(JSON.stringify(page.edges[0].node), page.totalCount, typeof page.edges[0].node.active);
    await orm.close();
  }
})();
