import "express-session";

declare module "express-session" {
  interface SessionData {
    /** Opaque id shown to the owner in `sessions`; the cookie's session id is never exposed. */
    publicId: string;
    createdAt: number;
    lastSeenAt: number;
    userAgent?: string;
    userId?: number;
    rememberMe?: boolean;
    /** When this visitor last wrote to the database, while read replicas are in use (db/replicas/). */
    lastWriteAt?: number;
    /**
     * A login waiting for its second factor (begun in src/auth/account.ts, finished in
     * src/two-factor/complete-login.ts); the session is not logged in.
     */
    pendingLogin?: PendingLogin;
  }
}

export interface PendingLogin {
  /** Random; names this pending login's counter of wrong codes. */
  id: string;
  userId: number;
  rememberMe: boolean;
  expiresAt: number;
}

/**
 * Marks a session object that was loaded from the store (rather than generated in this request).
 * Non-enumerable, so it never reaches the serialized session.
 */
export const LOADED_FROM_STORE = Symbol("sessiongraph.loadedFromStore");

/** Milliseconds since 1970, like Date.now: the clock session timeouts are measured by (tests advance their own). */
export type Clock = () => number;

export interface SessionTimeouts {
  idleTimeoutS: number;
  absoluteTimeoutS: number;
}

/**
 * Seconds the store should keep a session: until it ends by the rules of isExpired, the idle timeout from
 * its lastSeenAt or its absolute lifetime, whichever comes first (rounded up; isExpired has the last word).
 *
 * So the store's expiry moves only when lastSeenAt does, and a request that leaves lastSeenAt alone needs
 * no touch of the store: lastSeenAt is written at most once a minute (session-middleware.ts), and that
 * write saves the session with its new expiry. A touch on every request, as express-session does by
 * default, was a second Redis command on every logged-in request for nothing the rules would honour.
 */
export function sessionTtlSeconds(
  sess: { createdAt?: number; lastSeenAt?: number } | undefined,
  t: SessionTimeouts,
  now = Date.now(),
): number {
  const createdAt = sess?.createdAt ?? now;
  const lastSeenAt = sess?.lastSeenAt ?? createdAt;
  const endsAt = Math.min(lastSeenAt + t.idleTimeoutS * 1000, createdAt + t.absoluteTimeoutS * 1000);
  return Math.max(0, Math.ceil((endsAt - now) / 1000));
}

export function isExpired(
  sess: { createdAt?: number; lastSeenAt?: number },
  t: SessionTimeouts,
  now = Date.now(),
): boolean {
  if (sess.createdAt === undefined) return false;
  const lastSeenAt = sess.lastSeenAt ?? sess.createdAt;
  return now - lastSeenAt >= t.idleTimeoutS * 1000 || now - sess.createdAt >= t.absoluteTimeoutS * 1000;
}
