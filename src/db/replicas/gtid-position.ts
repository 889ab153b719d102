/**
 * A MariaDB GTID position (`@@gtid_binlog_pos`, `@@gtid_slave_pos`): per replication domain, the sequence
 * number of the last transaction, as "domain-server-sequence" joined by commas.
 */
export type GtidPosition = Map<number, bigint>;

export function parseGtidPosition(text: string | null | undefined): GtidPosition {
  const position: GtidPosition = new Map();
  for (const part of (text ?? "").split(",")) {
    const match = /^\s*(\d+)-\d+-(\d+)\s*$/.exec(part);
    if (match) position.set(Number(match[1]), BigInt(match[2]));
  }
  return position;
}

/** True when `replica` has applied everything `primary` names (in each domain, as far or further). */
export function hasReached(replica: GtidPosition, primary: GtidPosition): boolean {
  for (const [domain, sequence] of primary) if ((replica.get(domain) ?? -1n) < sequence) return false;
  return true;
}
