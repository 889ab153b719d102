import type { EntityManager } from "@mikro-orm/core";
import type { Logger } from "pino";
import { SecurityEvent } from "../entities/security-event.entity";

/** Deletes events older than the retention (SECURITY_LOG_RETENTION_DAYS); returns how many went. */
export function pruneSecurityLog(em: EntityManager, retentionDays: number, now = Date.now()): Promise<number> {
  return em.fork().nativeDelete(SecurityEvent, { createdAt: { $lt: new Date(now - retentionDays * 86_400_000) } });
}

/** Prunes at start and every hour in the background; returns the stop function. */
export function startSecurityLogPruner(em: EntityManager, retentionDays: number, log: Logger): () => void {
  const prune = () =>
    pruneSecurityLog(em, retentionDays).then(
      (deleted) => deleted && log.info({ deleted }, "pruned the security log"),
      (err) => log.warn({ err }, "pruning the security log failed; trying again later"),
    );
  void prune();
  const timer = setInterval(prune, 3_600_000);
  timer.unref(); // never what keeps the process alive
  return () => clearInterval(timer);
}
