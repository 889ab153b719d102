import { mkdirSync } from "node:fs";
import path from "node:path";
import { defineConfig, type EntityMetadata, type Options, type Platform } from "@mikro-orm/core";
import { ReflectMetadataProvider } from "@mikro-orm/decorators/legacy";
import { Migrator } from "@mikro-orm/migrations";
import { MySqlDriver } from "@mikro-orm/mysql";
import { SqliteDriver, SqlitePlatform } from "@mikro-orm/sqlite";
import type { Config } from "./config";
import { entities } from "./entities";

const root = path.resolve(__dirname, "..", "..");

/** The one ORM configuration, used by the app, the CLI and the tests. */
export function ormOptions(config: Config, overrides: Partial<Options> = {}): Partial<Options> {
  const kind = config.database.kind;
  const migrations = {
    path: path.join(root, "dist", "migrations", kind),
    pathTs: path.join(root, "migrations", kind),
    glob: "!(*.d).{js,ts}",
    emit: "ts" as const,
    snapshot: false,
    transactional: true,
    allOrNothing: true,
    silent: true, // the app logs through pino; MikroORM 7's migrator would print each migration to stdout
  };
  const common = {
    entities,
    // The entities use the legacy (TypeScript) decorators; their types come from emitted metadata.
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    migrations,
    forceUtcTimezone: true,
    preferTs: false,
    discovery: {
      warnWhenNoEntities: true,
      // MikroORM cannot read CHECK constraints back from SQLite, so every new SQLite migration would add
      // them again; there the migrations create them and the metadata leaves them out.
      onMetadata: (meta: EntityMetadata, platform: Platform) => {
        if (platform instanceof SqlitePlatform) meta.checks = [];
      },
    },
  };
  if (config.database.kind === "mysql") {
    return defineConfig({
      ...common,
      driver: MySqlDriver,
      clientUrl: config.database.url,
      timezone: "+00:00",
      pool: { min: 0, max: 10 },
      driverOptions: { connectTimeout: config.dependencyTimeoutMs },
      ...overrides,
    } as Options);
  }
  if (config.database.path !== ":memory:") mkdirSync(path.dirname(path.resolve(config.database.path)), { recursive: true });
  return defineConfig({
    ...common,
    driver: SqliteDriver,
    dbName: config.database.path,
    ...overrides,
  } as Options);
}
