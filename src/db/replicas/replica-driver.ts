import { AsyncLocalStorage } from "node:async_hooks";
import type { ConnectionType } from "@mikro-orm/core";
import { MySqlDriver } from "@mikro-orm/mysql";
import type { ReplicaMonitor } from "./replica-monitor";
import { currentVisitor } from "./visitor-reads";

/** Which replica the reads of one ReplicaReads.read call went to, so a failed one can be skipped. */
export const readRoute = new AsyncLocalStorage<{ replica?: number }>();

/**
 * MikroORM's MySQL driver, except for where a read that asked for a replica goes. MikroORM picks a random
 * replica and knows nothing of lag (MikroORM #4868); here the ReplicaMonitor picks one that answers, is
 * not lagging, and has this visitor's last write, or the primary when none has.
 */
export class ReplicaRoutingDriver extends MySqlDriver {
  monitor?: ReplicaMonitor;

  override getConnection(type: ConnectionType = "write"): ReturnType<MySqlDriver["getConnection"]> {
    if (type === "write" || !this.monitor) return this.connection;
    const replica = this.monitor.choose(currentVisitor()?.lastWriteAt());
    const route = readRoute.getStore();
    if (route) route.replica = replica;
    return replica === undefined ? this.connection : this.replicas[replica];
  }

  replicaConnections(): ReadonlyArray<ReturnType<MySqlDriver["getConnection"]>> {
    return this.replicas;
  }
}
