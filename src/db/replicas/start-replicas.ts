import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { Config } from "../../config";
import { ReplicaRoutingDriver } from "./replica-driver";
import { ReplicaMonitor } from "./replica-monitor";
import { ReplicaReads } from "./replica-reads";

type Positioned = { execute(sql: string): Promise<unknown> };

async function position(connection: Positioned, variable: string): Promise<string> {
  const rows = (await connection.execute(`select @@${variable} as pos`)) as Array<{ pos: string | null }>;
  return rows[0]?.pos ?? "";
}

/** The catalog's replica reads as configured: watched replicas of the primary, or none. */
export async function startReplicaReads(orm: MikroORM, config: Config, log: Logger): Promise<ReplicaReads> {
  const driver = orm.em.getDriver();
  if (!config.replicas.urls.length || !(driver instanceof ReplicaRoutingDriver)) return new ReplicaReads(null);
  const monitor = new ReplicaMonitor({
    // MariaDB's GTID positions: the primary's last written, each replica's last applied.
    primaryPosition: () => position(driver.getConnection("write"), "gtid_binlog_pos"),
    replicaPositions: driver.replicaConnections().map((replica) => () => position(replica, "gtid_slave_pos")),
    maxLagMs: config.replicas.maxLagS * 1000,
    readYourWritesMs: config.replicas.readYourWritesS * 1000,
    timeoutMs: config.dependencyTimeoutMs,
    onChange: (i, state) => log[state === "up" ? "info" : "warn"]({ replica: `replica-${i + 1}`, state }, "database replica state changed"),
  });
  await monitor.start();
  driver.monitor = monitor;
  return new ReplicaReads(monitor);
}
