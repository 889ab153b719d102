import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "pino";

declare module "http" {
  interface IncomingMessage {
    /** A random id for this request, in its log lines and the GraphQL context. */
    id: string;
    /** The logger for this request (bound to its id), made on first use. */
    log: Logger;
  }
}

/**
 * One line per request when it ends ("request completed", or "request errored" at error level for a
 * 5xx), with only the method, the path without its query string, the status and the time taken: never a
 * cookie, a session id or a body. This replaces pino-http, which made two child loggers and serialized the
 * request for every request even when the level was above info: a third of a cheap request's overhead.
 */
export function requestLog(log: Logger): RequestHandler {
  return (req, res, next) => {
    const id = randomUUID();
    req.id = id;
    let child: Logger | undefined;
    Object.defineProperty(req, "log", { get: () => (child ??= log.child({ reqId: id })), configurable: true });
    if (log.isLevelEnabled("info")) {
      const started = performance.now();
      const done = () => {
        res.off("finish", done);
        res.off("close", done);
        const fields = {
          req: { id, method: req.method, url: req.originalUrl.split("?")[0] },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        };
        if (!res.writableFinished) log.warn(fields, "request aborted");
        else if (res.statusCode >= 500) log.error(fields, "request errored");
        else log.info(fields, "request completed");
      };
      res.on("finish", done);
      res.on("close", done);
    }
    next();
  };
}
