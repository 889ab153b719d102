import type { Context } from "../context";

/** Whose cart: a logged-in user's, or an anonymous session's (by the session's public id). */
export type CartOwner = { userId: number } | { sessionKey: string };

/** The owner as the cart row's unique key: a filter for finding it and the data for creating it. */
export function ownerKey(owner: CartOwner): { user: number } | { sessionKey: string } {
  return "userId" in owner ? { user: owner.userId } : { sessionKey: owner.sessionKey };
}

/** The visitor's cart owner for reading, or null when there can be no cart (no session yet). */
export function currentOwner(ctx: Context): CartOwner | null {
  if (ctx.viewer) return { userId: ctx.viewer.id };
  const sessionKey = ctx.session.publicId;
  return sessionKey ? { sessionKey } : null;
}

/** The owner for writing: an anonymous visitor gets a session now, since the cart is keyed by it. */
export async function ownerForWriting(ctx: Context): Promise<CartOwner> {
  if (ctx.viewer) return { userId: ctx.viewer.id };
  // A new session stores a session and a cart row: limited per client (ANON_SESSIONS_MAX_PER_IP).
  if (!ctx.session.publicId) await ctx.services.limits.countAnonymousSession(ctx.ip);
  return { sessionKey: await ctx.session.ensureStarted() };
}
