import { AsyncLocalStorage } from "node:async_hooks";
import { tracingChannel } from "node:diagnostics_channel";
import type { RequestHandler } from "express";

/** What routes one request's catalog reads: when its visitor last wrote. */
export interface VisitorReads {
  /** By when this visitor's last write had committed (ms since the epoch), from the session. */
  lastWriteAt(): number | undefined;
  /** Called as a statement that writes starts. */
  writing(): void;
}

const current = new AsyncLocalStorage<VisitorReads>();

/** The request being served here, when this code runs on behalf of one. */
export const currentVisitor = (): VisitorReads | undefined => current.getStore();

/**
 * Whether a visitor whose last write is stamped `lastWriteAt` wrote within `windowMs` (READ_YOUR_WRITES_S):
 * their reads must show that write. A stamp in the future is a write that may still be committing.
 */
export const wroteWithin = (lastWriteAt: number | undefined, windowMs: number, now = Date.now()): boolean =>
  lastWriteAt !== undefined && now - lastWriteAt < windowMs;

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
    if (visitor && WRITE.test(String((message as { query?: unknown }).query ?? ""))) visitor.writing();
  };
  for (const name of ["mysql2:query", "mysql2:execute"]) tracingChannel(name).subscribe({ start: onStart } as never);
}

/**
 * Runs the rest of a GraphQL request with its visitor's read routing. A write stamps the visitor's session
 * with when it will have committed at the latest: the request's deadline (`deadlineMs`) from when the
 * statement starts, since a request does not write past its deadline but a transaction may commit well
 * after its first statement. Later requests compare the stamp with how far each replica has come
 * (ReplicaMonitor). The session is saved with the stamp when the response ends.
 */
export function visitorReads(deadlineMs: number): RequestHandler {
  watchWrites();
  return (req, _res, next) => {
    const visitor: VisitorReads = {
      lastWriteAt: () => req.session?.lastWriteAt,
      writing: () => {
        if (req.session) req.session.lastWriteAt = Date.now() + deadlineMs;
      },
    };
    current.run(visitor, next);
  };
}
