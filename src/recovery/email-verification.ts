import { writeUser } from "../user-cache/user-writes";
import { requireUser, type Context } from "../context";
import { TokenKind } from "../entities/account-token.entity";
import { User } from "../entities/user.entity";
import { SecurityEventType } from "../entities/security-event-type";
import { eventOf, recordSecurityEvent } from "../security-log/record";
import { sendVerification } from "./account-mail";
import { claimToken, countIssuedSince, findLiveToken, invalidToken } from "./tokens";

const HOUR_MS = 3_600_000;

/**
 * A new verification link to the logged-in user's address; false when it is already verified. Past the
 * hourly limit (PASSWORD_RESET_MAX_PER_EMAIL, the same mailbox's limit) the answer stays true and no mail goes.
 */
export async function requestEmailVerification(ctx: Context): Promise<boolean> {
  const actor = requireUser(ctx);
  const em = ctx.em.fork();
  const user = await em.findOne(User, actor.id, { refresh: true });
  if (!user) return false;
  if (user.emailVerified) return false;
  const since = new Date(Date.now() - HOUR_MS);
  if ((await countIssuedSince(em, user.id, TokenKind.EMAIL_VERIFICATION, since)) >= ctx.services.config.mail.resetsPerEmailPerHour) return true;
  sendVerification(em, user, ctx.services.config.mail, false);
  await em.flush();
  return true;
}

/** Marks the address the link was sent to as verified, if it is still the account's email. Nobody is logged in. */
export async function verifyEmail(ctx: Context, token: string): Promise<User> {
  const em = ctx.em.fork();
  const found = await findLiveToken(em, token, TokenKind.EMAIL_VERIFICATION);
  if (!found) throw invalidToken();
  const userId = found.user.id;
  await writeUser(ctx, userId, () => em.transactional(async (tem) => {
    if (!(await claimToken(tem, found))) throw invalidToken();
    const changed = await tem.nativeUpdate(User, { id: userId, email: found.email }, { emailVerified: true, updatedAt: new Date() });
    if (changed !== 1) throw invalidToken();
    await recordSecurityEvent(tem, eventOf(ctx, SecurityEventType.EMAIL_VERIFIED, userId));
  }));
  const user = await ctx.em.findOneOrFail(User, userId, { refresh: true });
  if (ctx.user?.id === userId) ctx.user = user;
  return user;
}
