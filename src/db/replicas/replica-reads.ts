import { ConnectionException } from "@mikro-orm/core";
import { readRoute } from "./replica-driver";
import type { ReplicaMonitor, ReplicaState } from "./replica-monitor";

export type ConnectionKind = "read" | "write";

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "PROTOCOL_CONNECTION_LOST"]);

function isConnectionFailure(err: unknown): boolean {
  for (let e = err as { cause?: unknown; code?: string; message?: string } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof ConnectionException || (e.code && CONNECTION_CODES.has(e.code))) return true;
    if (/Timeout acquiring a connection|connect ECONNREFUSED/i.test(e.message ?? "")) return true;
  }
  return false;
}

/**
 * Reads that may be slightly stale (the catalog's): on a replica when one may serve this visitor, else on
 * the primary. Without replicas (or on SQLite) "read" is the primary too.
 */
export class ReplicaReads {
  constructor(private readonly monitor: ReplicaMonitor | null) {}

  /** Each replica's state by name (replica-1, ...), for /readyz. */
  states(): Record<string, ReplicaState> {
    return Object.fromEntries((this.monitor?.states() ?? []).map((state, i) => [`replica-${i + 1}`, state]));
  }

  /** Runs `read` on a replica; when that replica cannot be reached, it is skipped and `read` runs on the primary. */
  async read<T>(read: (connection: ConnectionKind) => Promise<T>): Promise<T> {
    if (!this.monitor) return read("read");
    const route: { replica?: number } = {};
    try {
      return await readRoute.run(route, () => read("read"));
    } catch (err) {
      if (route.replica === undefined || !isConnectionFailure(err)) throw err;
      this.monitor.markDown(route.replica);
      return read("write");
    }
  }

  stop(): Promise<void> {
    return this.monitor?.stop() ?? Promise.resolve();
  }
}
