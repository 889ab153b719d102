import { randomUUID } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { RequestHandler, Response } from "express";
import type { GraphQLError, GraphQLFormattedError } from "graphql";
import type { Logger } from "pino";
import type { Context } from "../context";
import { deferredLogger, type RequestLog } from "../observability/deferred-logger";
import { classifyError } from "./format-error";

interface GraphQLOutcome {
  operationName?: string;
  errorCodes?: string[];
  /** Served from a document Apollo had already validated, without its pipeline (prepared-operations.ts). */
  prepared?: true;
}

// A symbol property rather than a WeakMap: Apollo hands plugins a shallow copy of the context.
const RESPONSE = Symbol("sessiongraph.response");
type WithResponse = Context & { [RESPONSE]?: Response };

/** Lets the GraphQL plugin below find the HTTP response of a request, to annotate its log line. */
export function linkResponse(ctx: Context, res: Response): void {
  (ctx as WithResponse)[RESPONSE] = res;
}

// A caller's id is kept only if it cannot smuggle anything into a log line.
const CALLER_ID = /^[\w.:-]{1,64}$/;

declare module "http" {
  interface IncomingMessage {
    /** The request's id: the caller's X-Request-Id when it is safe to log, else a random UUID. */
    id: string;
    /** This request's logger (bound to its id, method and path), made on first use. */
    log: RequestLog;
  }
}

/**
 * One log line per request, when it ends: request id, method, path, status, duration, and for GraphQL the
 * operation name and the error codes. Nothing else from the request is logged: no header (so no cookie),
 * no query string, no body (so no password).
 *
 * Written by hand rather than with pino-http, with the same fields and levels: pino-http makes two child
 * loggers per request and serializes the request into them up front, at any log level. Here the request's
 * child logger is made only if something logs through it (deferredLogger), and the line is built only if
 * its level is enabled.
 */
export function requestLogger(log: Logger): RequestHandler {
  return (req, res, next) => {
    const given = req.headers["x-request-id"];
    const id = typeof given === "string" && CALLER_ID.test(given) ? given : randomUUID();
    req.id = id;
    res.setHeader("x-request-id", id);
    const reqFields = () => ({ id, method: req.method, url: req.originalUrl.split("?")[0] });
    req.log = deferredLogger(log, () => log.child({ req: reqFields() }));

    const started = performance.now();
    // 'close' comes once per response, after 'finish' when it was sent in full, alone when it was cut off.
    res.once("close", () => {
      const status = res.statusCode;
      // A dependency outage is expected to be reported by /readyz; a 500 is a bug.
      const level = status >= 500 && status !== 503 ? "error" : status >= 400 ? "warn" : "info";
      if (!log.isLevelEnabled(level)) return;
      const message = !res.writableFinished ? "request aborted" : status >= 500 ? "request failed" : "request completed";
      const graphql = (res as Response).locals?.graphql as GraphQLOutcome | undefined;
      log[level]({ req: reqFields(), res: { statusCode: status }, responseTime: Math.round(performance.now() - started), graphql }, message);
    });
    next();
  };
}

/** Logs the errors a GraphQL request met that are not the contract's: bugs, and backing services down. */
export function logGraphQLErrors(log: RequestLog, errors: readonly GraphQLError[]): void {
  for (const error of errors) {
    const kind = classifyError(error, error);
    if (kind === "unknown") log.error({ err: error.originalError ?? error, path: error.path }, "unexpected error");
    if (kind === "dependency") log.warn({ err: error.originalError ?? error, path: error.path }, "dependency unavailable");
  }
}

/**
 * Keeps a GraphQL request's operation name and error codes for its log line, its metrics and its span.
 * `operationType` is given only when the document validated and resolved to that operation: only such a
 * name may become a metrics label (src/observability/operation-names.ts).
 */
export function recordGraphQLOutcome(
  res: Response,
  operationName: string | undefined,
  errors: readonly GraphQLFormattedError[] = [],
  prepared = false,
  operationType?: string,
): void {
  res.locals.graphql = {
    operationName,
    errorCodes: errors.length ? errors.map((e) => String(e.extensions?.code)) : undefined,
    prepared: prepared || undefined,
  } satisfies GraphQLOutcome;
  // Beside the log line's fields, which stay as they were.
  res.locals.graphqlOperationType = operationType;
}

/** What recordGraphQLOutcome kept, for the metrics and the span of a request that has ended. */
export function graphqlOutcome(res: Response): { operationName?: string; operationType?: string; errorCodes?: string[] } | undefined {
  const outcome = res.locals?.graphql as GraphQLOutcome | undefined;
  return outcome && { operationName: outcome.operationName, operationType: res.locals.graphqlOperationType as string | undefined, errorCodes: outcome.errorCodes };
}

/** Records each GraphQL request's outcome for its log line, and logs unexpected errors with the request id. */
export const graphqlRequestLogging: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        logGraphQLErrors(contextValue.log, errors);
      },
      async willSendResponse({ contextValue, operation, operationName, request, response }) {
        const res = (contextValue as WithResponse)[RESPONSE];
        if (!res) return;
        // The document's name for the operation, or the one asked for when the document was not valid.
        const errors = response.body.kind === "single" ? response.body.singleResult.errors : undefined;
        recordGraphQLOutcome(res, operationName ?? request.operationName ?? undefined, errors, false, operation?.operation);
      },
    };
  },
};
