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
  }
}

/**
 * Marks a session object that was loaded from the store (rather than generated in this request).
 * Non-enumerable, so it never reaches the serialized session.
 */
export const LOADED_FROM_STORE = Symbol("sessiongraph.loadedFromStore");

export interface SessionTimeouts {
  idleTimeoutS: number;
  absoluteTimeoutS: number;
}

/** Seconds the store should keep a session: the idle timeout, cut short by the absolute lifetime. */
export function sessionTtlSeconds(
  sess: { createdAt?: number } | undefined,
  t: SessionTimeouts,
  now = Date.now(),
): number {
  const createdAt = sess?.createdAt ?? now;
  const remaining = Math.ceil((createdAt + t.absoluteTimeoutS * 1000 - now) / 1000);
  return Math.max(0, Math.min(t.idleTimeoutS, remaining));
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
