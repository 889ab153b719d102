import "reflect-metadata";
import { MikroORM } from "@mikro-orm/core";
import { ConfigError, loadConfig } from "../config";
import { migrate } from "../db/migrate";
import { seedCatalog } from "../catalog/seed-catalog";
import { ormOptions } from "../mikro-orm.config";

// `npm run seed`: the demo catalog on the configured database (DATABASE_URL, else SQLITE_PATH).
async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await MikroORM.init(ormOptions(config));
  try {
    await migrate(orm, config);
    const inserted = await seedCatalog(orm.em.fork());
    console.log(`seeded the demo catalog on ${config.database.kind}: ${inserted} product(s) added`);
  } finally {
    await orm.close(true);
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
