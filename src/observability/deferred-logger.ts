import type { Bindings, Logger } from "pino";

/** What request-scoped code logs through: the levels, `child` and `isLevelEnabled` of a pino logger. */
export type RequestLog = Pick<Logger, "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "child" | "isLevelEnabled">;

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace"] as const;
type Level = (typeof LEVELS)[number];

/**
 * A request's logger, made on first use: a pino child logger serializes its bindings when it is made, which
 * most requests never need. Not a getter, since Apollo copies the context with Object.assign, which calls
 * getters, and a getter on IncomingMessage would need Object.defineProperty on every request. Not a Proxy
 * either: a Proxy per request makes V8 promote much of what requests allocate, which slows every
 * young-generation collection (docs/performance.md, "Garbage collection").
 */
class DeferredLogger {
  private logger?: Logger;

  constructor(
    private readonly parent: Logger,
    private readonly make: () => Logger,
  ) {}

  child(bindings: Bindings): Logger {
    return this.target().child(bindings);
  }

  /** The child has its parent's level: no need to make it to answer. */
  isLevelEnabled(level: string): boolean {
    return this.parent.isLevelEnabled(level);
  }

  write(level: Level, args: unknown[]): void {
    if (!this.parent.isLevelEnabled(level)) return;
    (this.target()[level] as (...a: unknown[]) => void)(...args);
  }

  private target(): Logger {
    return (this.logger ??= this.make());
  }
}

// The level methods, one per level on the prototype: each writes through the child logger if its level is on.
interface DeferredLogger extends Record<Level, (...args: unknown[]) => void> {}
for (const level of LEVELS) {
  DeferredLogger.prototype[level] = function (this: DeferredLogger, ...args: unknown[]) {
    this.write(level, args);
  };
}

/** A logger for one request, a child of `parent` made by `make` when something is first logged through it. */
export function deferredLogger(parent: Logger, make: () => Logger): RequestLog {
  // pino's level methods are overloaded (LogFn); forwarding every argument keeps each overload's behaviour.
  return new DeferredLogger(parent, make) as unknown as RequestLog;
}
