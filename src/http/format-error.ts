import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import type { Logger } from "pino";
import { isDependencyDown } from "./dependency-errors";

const CONTRACT_CODES = new Set([
  "UNAUTHENTICATED", "FORBIDDEN", "BAD_USER_INPUT", "NOT_FOUND", "CONFLICT", "OUT_OF_STOCK", "TOO_MANY_REQUESTS",
  "SERVICE_UNAVAILABLE",
]);
// Apollo's own, raised before any resolver runs; they say nothing about the server's internals.
const APOLLO_CODES = new Set([
  "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE",
]);

/**
 * The one place unknown errors are masked. Contract errors pass through; an unreachable MySQL or Redis
 * becomes SERVICE_UNAVAILABLE; anything else is logged and answered as INTERNAL_SERVER_ERROR with no
 * detail outside development.
 */
export function makeFormatError(log: Logger, exposeInternals: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === "string" && (CONTRACT_CODES.has(code) || APOLLO_CODES.has(code))) return formatted;
    const original = unwrapResolverError(error);
    if (isDependencyDown(original)) {
      log.warn({ err: original, path: formatted.path }, "dependency unavailable");
      return {
        message: "A backing service is unavailable. Try again shortly.",
        path: formatted.path,
        extensions: { code: "SERVICE_UNAVAILABLE" },
      };
    }
    log.error({ err: original, path: formatted.path }, "unexpected error");
    if (exposeInternals) return { ...formatted, extensions: { ...formatted.extensions, code: "INTERNAL_SERVER_ERROR" } };
    return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
