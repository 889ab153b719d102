import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { Config } from "../../config";
import { gtidDialect, POSITION_VARIABLES } from "./gtid-position";
import { ReplicaRoutingDriver } from "./replica-driver";
import { ReplicaMonitor } from "./replica-monitor";
import { ReplicaReads } from "./replica-reads";

type Queryable = { execute(sql: string): Promise<unknown> };

async function value(connection: Queryable, expression: string): Promise<string> {
  const rows = (await connection.execute(`select ${expression} as v`)) as Array<{ v: string | null }>;
  return String(rows[0]?.v ?? "");
}

/** The catalog's replica reads as configured: watched replicas of the primary, or none. */
export async function startReplicaReads(orm: MikroORM, config: Config, log: Logger): Promise<ReplicaReads> {
  const driver = orm.em.getDriver();
  if (!config.replicas.urls.length || !(driver instanceof ReplicaRoutingDriver)) return new ReplicaReads(null);
  const primary = driver.getConnection("write");
  const dialect = gtidDialect(await value(primary, "version()"));
  // Without GTIDs MySQL's gtid_executed stays empty everywhere, and every replica would look up to date.
  if (dialect === "mysql" && (await value(primary, "@@gtid_mode")).toUpperCase() !== "ON") {
    log.warn({ replicas: config.replicas.urls.length },
      "DATABASE_REPLICA_URLS ignored: the MySQL primary has gtid_mode OFF, so how far a replica has come cannot be known; every read goes to the primary");
    return new ReplicaReads(null);
  }
  const variables = POSITION_VARIABLES[dialect];
  const monitor = new ReplicaMonitor({
    dialect,
    primaryPosition: () => value(primary, `@@${variables.primary}`),
    replicaPositions: driver.replicaConnections().map((replica) => () => value(replica, `@@${variables.replica}`)),
    maxLagMs: config.replicas.maxLagS * 1000,
    readYourWritesMs: config.replicas.readYourWritesS * 1000,
    timeoutMs: config.dependencyTimeoutMs,
    onChange: (i, state) => log[state === "up" ? "info" : "warn"]({ replica: `replica-${i + 1}`, state }, "database replica state changed"),
  });
  await monitor.start();
  driver.monitor = monitor;
  return new ReplicaReads(monitor);
}
