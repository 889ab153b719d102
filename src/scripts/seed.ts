import "reflect-metadata";
import { MikroORM } from "@mikro-orm/core";
import pino from "pino";
import { ConfigError, loadConfig } from "../config";
import { migrate } from "../db/migrate";
import { startInvalidation } from "../cache/start-invalidation";
import { catalogInvalidation } from "../cache/catalog-cache";
import { seedCatalog } from "../catalog/seed-catalog";
import { ormOptions } from "../mikro-orm.config";
import { connectRedis } from "../redis/redis-connection";

// `npm run seed`: the demo catalog on the configured database (DATABASE_URL, else SQLITE_PATH). With
// REDIS_URL (or a Sentinel group or Cluster), running instances are told, so their catalog caches empty.
async function main(): Promise<void> {
  const config = loadConfig();
  const orm = await MikroORM.init(ormOptions(config));
  const redis = config.redis ? await connectRedis(config.redis, config.dependencyTimeoutMs) : null;
  const invalidation = await startInvalidation(config, redis, pino({ level: "warn" }), 0);
  try {
    await migrate(orm, config);
    const inserted = await seedCatalog({ em: orm.em.fork(), services: { catalogInvalidation: catalogInvalidation(invalidation) } });
    console.log(`seeded the demo catalog on ${config.database.kind}: ${inserted} product(s) added`);
  } finally {
    await invalidation.close();
    await redis?.close();
    await orm.close(true);
  }
}

main().catch((err) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
