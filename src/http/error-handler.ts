import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { isDependencyDown } from "./dependency-errors";

const body = (message: string, code: string) => ({ errors: [{ message, extensions: { code } }] });

/**
 * Errors that happen outside GraphQL execution (a body that is not JSON, a session store that does
 * not answer) still get a GraphQL-shaped JSON answer, never Express's HTML page.
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    const status = typeof err?.status === "number" ? err.status : typeof err?.statusCode === "number" ? err.statusCode : 500;
    if (isDependencyDown(err)) {
      req.log?.warn({ err }, "dependency unavailable");
      res.status(503).json(body("A backing service is unavailable. Try again shortly.", "SERVICE_UNAVAILABLE"));
    } else if (err?.type === "entity.parse.failed") {
      res.status(400).json(body("The request body is not valid JSON.", "BAD_REQUEST"));
    } else if (err?.type === "entity.too.large") {
      res.status(413).json(body("The request body is too large.", "BAD_REQUEST"));
    } else if (status >= 400 && status < 500) {
      res.status(status).json(body(err.expose && err.message ? err.message : "Bad request.", "BAD_REQUEST"));
    } else {
      (req.log ?? log).error({ err }, "unhandled error");
      res.status(500).json(body("Internal server error", "INTERNAL_SERVER_ERROR"));
    }
  };
}

/** Any path nobody serves: a JSON 404 rather than Express's HTML page. */
export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json(body("Not found.", "NOT_FOUND"));
};
