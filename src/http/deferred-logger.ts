import type { Logger } from "pino";

/**
 * A logger made on first use. A pino child logger serializes its bindings when it is made, which most
 * requests never need; this stands in for it until something logs. A proxy rather than a getter, since
 * Apollo copies the context with Object.assign, which calls getters, and a getter on IncomingMessage
 * would need Object.defineProperty on every request.
 */
export function deferredLogger(make: () => Logger): Logger {
  let logger: Logger | undefined;
  return new Proxy({} as Logger, {
    get(_, prop) {
      logger ??= make();
      const value = Reflect.get(logger, prop, logger);
      return typeof value === "function" ? value.bind(logger) : value;
    },
  });
}
