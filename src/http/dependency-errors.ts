import { ConnectionException, DriverException } from "@mikro-orm/core";

const CONNECTION_CODES = new Set([
  "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND", "PROTOCOL_CONNECTION_LOST",
  "ER_CON_COUNT_ERROR", "PROTOCOL_SEQUENCE_TIMEOUT",
]);
const REDIS_ERRORS = new Set([
  "ClientClosedError", "ClientOfflineError", "ConnectionTimeoutError", "SocketClosedUnexpectedlyError", "SocketTimeoutError",
]);

/** True when `err` says MySQL or Redis could not be reached, rather than that a query was wrong. */
export function isDependencyDown(err: unknown): boolean {
  for (let e = err as { cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e instanceof ConnectionException) return true;
    const { code, name, message } = e as { code?: string; name?: string; message?: string };
    if (code && CONNECTION_CODES.has(code)) return true;
    // node-redis names its error classes but leaves `name` as "Error".
    if ((name && REDIS_ERRORS.has(name)) || REDIS_ERRORS.has(e.constructor?.name)) return true;
    if (e instanceof DriverException && /connect|pool|Knex: Timeout acquiring/i.test(message ?? "")) return true;
    if (/Knex: Timeout acquiring a connection|The client is closed|The client is offline|Connection is closed/i.test(message ?? "")) return true;
  }
  return false;
}
