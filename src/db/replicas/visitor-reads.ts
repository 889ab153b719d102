import { AsyncLocalStorage } from "node:async_hooks";
import { tracingChannel } from "node:diagnostics_channel";
import type { RequestHandler } from "express";

/** What routes one request's catalog reads: when its visitor last wrote, and whether this request writes. */
export interface VisitorReads {
  /** When this visitor's last write committed (ms since the epoch), from the session. */
  lastWriteAt(): number | undefined;
  wrote: boolean;
}

const current = new AsyncLocalStorage<VisitorReads>();

/** The request being served here, when this code runs on behalf of one. */
export const currentVisitor = (): VisitorReads | undefined => current.getStore();

const WRITE = /^\s*(?:insert|update|delete|replace|call|commit|create|alter|drop|truncate)\b/i;
let watching = false;

/**
 * Notices every statement that writes, whoever sends it (the ORM's flushes, plain SQL, procedures), from
 * the driver's own diagnostics channel: the statement starts in the async context of the request that
 * sent it, so nothing on a write path has to remember to say so.
 */
function watchWrites(): void {
  if (watching) return;
  watching = true;
  const onStart = (message: unknown) => {
    const visitor = current.getStore();
    if (visitor && !visitor.wrote && WRITE.test(String((message as { query?: unknown }).query ?? ""))) visitor.wrote = true;
  };
  for (const name of ["mysql2:query", "mysql2:execute"]) tracingChannel(name).subscribe({ start: onStart } as never);
}

/**
 * Runs the rest of a GraphQL request with its visitor's read routing, and when it wrote, stamps the session
 * with the time its response ends (after every commit it made), which later requests compare with how far
 * each replica has come (ReplicaMonitor). Placed after the session middleware.
 */
export function visitorReads(): RequestHandler {
  watchWrites();
  return (req, res, next) => {
    const visitor: VisitorReads = { lastWriteAt: () => req.session?.lastWriteAt, wrote: false };
    const end = res.end;
    res.end = function (this: typeof res, ...args: Parameters<typeof end>) {
      if (visitor.wrote && req.session) req.session.lastWriteAt = Date.now();
      return end.apply(this, args);
    } as typeof end;
    current.run(visitor, next);
  };
}
