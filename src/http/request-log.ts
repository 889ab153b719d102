import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Response } from "express";
import type { Logger } from "pino";
import { pinoHttp } from "pino-http";
import type { Context } from "../context";
import { classifyError } from "./format-error";

interface GraphQLOutcome {
  operationName?: string;
  errorCodes?: string[];
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

/**
 * One log line per request, when it ends: request id, method, path, status, duration, and for GraphQL the
 * operation name and the error codes. Nothing else from the request is logged: no header (so no cookie),
 * no query string, no body (so no password).
 */
export function requestLogger(log: Logger) {
  return pinoHttp({
    logger: log,
    genReqId: (req, res) => {
      const given = req.headers["x-request-id"];
      const id = typeof given === "string" && CALLER_ID.test(given) ? given : randomUUID();
      res.setHeader("x-request-id", id);
      return id;
    },
    serializers: {
      req: (req: IncomingMessage & { id?: unknown }) => ({ id: req.id, method: req.method, url: req.url?.split("?")[0] }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    customProps: (_req, res) => ({ graphql: (res as Response).locals?.graphql as GraphQLOutcome | undefined }),
    // A dependency outage is expected to be reported by /readyz; a 500 is a bug.
    customLogLevel: (_req, res, err) => (err || (res.statusCode >= 500 && res.statusCode !== 503) ? "error" : res.statusCode >= 400 ? "warn" : "info"),
    customSuccessMessage: () => "request completed",
    customErrorMessage: () => "request failed",
    // pino-http invents an Error with a stack for every 5xx; the status already says it, and the cause is
    // logged where it happened, with this request id.
    customErrorObject: (_req, _res, err, value) =>
      /^failed with status code/.test(err?.message ?? "") ? { ...value, err: undefined } : value,
  });
}

/** Records each GraphQL request's outcome for its log line, and logs unexpected errors with the request id. */
export const graphqlRequestLogging: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          const kind = classifyError(error, error);
          if (kind === "unknown") contextValue.log.error({ err: error.originalError ?? error, path: error.path }, "unexpected error");
          if (kind === "dependency") contextValue.log.warn({ err: error.originalError ?? error, path: error.path }, "dependency unavailable");
        }
      },
      async willSendResponse({ contextValue, operationName, request, response }) {
        const res = (contextValue as WithResponse)[RESPONSE];
        if (!res) return;
        const errors = response.body.kind === "single" ? (response.body.singleResult.errors ?? []) : [];
        res.locals.graphql = {
          // The document's name for the operation, or the one asked for when the document was not valid.
          operationName: operationName ?? request.operationName ?? undefined,
          errorCodes: errors.length ? errors.map((e) => String(e.extensions?.code)) : undefined,
        } satisfies GraphQLOutcome;
      },
    };
  },
};
