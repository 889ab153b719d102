/**
 * How far a server has come, in its product's own GTIDs. MariaDB names a position per replication domain
 * ("domain-server-sequence", comma-joined: everything up to that sequence); MySQL a set of transaction
 * numbers per source ("uuid:1-42:45-50", a tag as "uuid:tag:1-3"). Both become sets of numbers per key.
 */
export type GtidDialect = "mariadb" | "mysql";

export type GtidPosition = Map<string, Array<[bigint, bigint]>>;

/** MariaDB says so in `SELECT VERSION()` ("11.4.2-MariaDB-..."); MySQL ("8.4.3") does not. */
export function gtidDialect(version: string): GtidDialect {
  return /mariadb/i.test(version) ? "mariadb" : "mysql";
}

/** The variables holding a position: the primary's written, a replica's applied. */
export const POSITION_VARIABLES: Record<GtidDialect, { primary: string; replica: string }> = {
  mariadb: { primary: "gtid_binlog_pos", replica: "gtid_slave_pos" },
  // Every transaction the server holds, written there or applied from its source.
  mysql: { primary: "gtid_executed", replica: "gtid_executed" },
};

export function parseGtidPosition(text: string | null | undefined, dialect: GtidDialect): GtidPosition {
  const position: GtidPosition = new Map();
  for (const part of (text ?? "").split(",")) {
    if (dialect === "mariadb") {
      const match = /^\s*(\d+)-\d+-(\d+)\s*$/.exec(part);
      if (match) position.set(match[1], [[0n, BigInt(match[2])]]);
      continue;
    }
    const [source, ...rest] = part.trim().toLowerCase().split(":");
    let key = source;
    for (const token of rest) {
      const interval = /^(\d+)(?:-(\d+))?$/.exec(token);
      if (!interval) {
        key = `${source}:${token}`; // a tag: the intervals after it are its own
        continue;
      }
      const list = position.get(key) ?? [];
      list.push([BigInt(interval[1]), BigInt(interval[2] ?? interval[1])]);
      position.set(key, list);
    }
  }
  return position;
}

/** True when `replica` holds everything `primary` names (per key, each interval within one of the replica's). */
export function hasReached(replica: GtidPosition, primary: GtidPosition): boolean {
  for (const [key, intervals] of primary) {
    const held = replica.get(key) ?? [];
    for (const [from, to] of intervals) if (!held.some(([a, b]) => a <= from && to <= b)) return false;
  }
  return true;
}
