import { requireUser, type Context } from "../context";
import { SecurityEventType } from "../entities/security-event-type";
import { NotFoundError } from "../errors";
import { logSecurityEvent } from "../security-log/record";

/** Ends one of the caller's own live sessions (NOT_FOUND for any other id). */
export async function revokeSession(ctx: Context, publicId: string): Promise<boolean> {
  const user = requireUser(ctx);
  const ended = await ctx.services.sessions.end(user.id, (id) => id === publicId);
  if (!ended) throw new NotFoundError("Session");
  await logSecurityEvent(ctx, SecurityEventType.SESSION_REVOKED, user.id);
  return true;
}

/** Ends every other session of the caller; returns how many ended (logged when any did). */
export async function logoutOtherSessions(ctx: Context): Promise<number> {
  const user = requireUser(ctx);
  const ended = await ctx.session.endOtherSessions(user.id);
  if (ended) await logSecurityEvent(ctx, SecurityEventType.SESSIONS_ENDED, user.id);
  return ended;
}
