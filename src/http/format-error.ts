import type { GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";
import { ERROR_CODES } from "../errors";
import { isDependencyDown } from "./dependency-errors";

// INTERNAL_SERVER_ERROR is left out: an error that says so is a bug to log, whoever raised it.
const CONTRACT_CODES = new Set<string>(ERROR_CODES.filter((code) => code !== "INTERNAL_SERVER_ERROR"));
// Apollo's own, raised before any resolver runs; they say nothing about the server's internals.
const APOLLO_CODES = new Set([
  "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST", "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED", "OPERATION_RESOLUTION_FAILURE",
]);

export type ErrorKind = "expected" | "dependency" | "unknown";

/** Whether an error is one the API means to send, a MySQL/Redis outage, or a bug to be masked and logged. */
export function classifyError(formatted: Pick<GraphQLFormattedError, "extensions">, error: unknown): ErrorKind {
  const code = formatted.extensions?.code;
  if (typeof code === "string" && (CONTRACT_CODES.has(code) || APOLLO_CODES.has(code))) return "expected";
  const original = unwrapResolverError(error);
  const wrapped = (original as { originalError?: unknown } | undefined)?.originalError;
  return isDependencyDown(original) || isDependencyDown(wrapped) ? "dependency" : "unknown";
}

// graphql-js appends these to validation and variable errors; in production they would map the schema
// for someone who cannot introspect it.
const SUGGESTION = / ?Did you mean [^?]*\?/g;

// graphql-js's variable coercion error: 'Variable "$x" got invalid value <the value> [at "x.field"]; <reason>',
// and the reason often repeats the value.
const INVALID_VARIABLE = /^Variable "(\$[_A-Za-z][_0-9A-Za-z]*)" got invalid value /;
const AT_PATH = / at "([_A-Za-z][_0-9A-Za-z.[\]]*)"; /g;

/**
 * A variable that did not coerce is named, with the field within it, but what was sent is not echoed back:
 * it may be a password, and it lands in clients' logs and error reports.
 */
function withoutSubmittedValue(message: string): string {
  const variable = INVALID_VARIABLE.exec(message)?.[1];
  if (!variable) return message;
  const at = [...message.matchAll(AT_PATH)].at(-1)?.[1];
  // A suggestion names the schema's fields, never what was sent; production drops it below.
  const suggestions = (message.match(SUGGESTION) ?? []).map((s) => s.trim());
  return [`Variable "${variable}" got an invalid value${at ? ` at "${at}"` : ""}.`, ...suggestions].join(" ");
}

/**
 * The one place unknown errors are masked. Contract errors pass through; an unreachable MySQL or Redis
 * becomes SERVICE_UNAVAILABLE; anything else is answered as INTERNAL_SERVER_ERROR with no detail outside
 * development. Logging, with the request id, happens in request-log.ts.
 */
export function makeFormatError(options: { exposeInternals: boolean; hideSuggestions: boolean }) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    switch (classifyError(formatted, error)) {
      case "expected": {
        const message = withoutSubmittedValue(formatted.message);
        return { ...formatted, message: options.hideSuggestions ? message.replace(SUGGESTION, "") : message };
      }
      case "dependency":
        return {
          message: "A backing service is unavailable. Try again shortly.",
          path: formatted.path,
          extensions: { code: "SERVICE_UNAVAILABLE" },
        };
      case "unknown":
        if (options.exposeInternals) return { ...formatted, extensions: { ...formatted.extensions, code: "INTERNAL_SERVER_ERROR" } };
        return { message: "Internal server error", path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
    }
  };
}
