import type { Context } from "../context";
import { TokenKind } from "../entities/account-token.entity";
import { PasswordResetRequest } from "../entities/password-reset-request.entity";
import { User } from "../entities/user.entity";
import { canonicalEmail } from "../entities/email";
import { assertValid, fieldErrors } from "../errors";
import { passwordProblem } from "../secrets/password-policy";
import { writeUser } from "../user-cache/user-writes";
import { SecurityEventType } from "../entities/security-event-type";
import { eventOf, recordSecurityEvent } from "../security-log/record";
import { onPasswordChanged } from "./account-mail";
import { claimToken, findLiveToken, invalidToken } from "./tokens";

/**
 * Always true, and the same work whatever the address: one row written. Whether the address is known, and
 * under its hourly limit, is decided later by the sender (reset-requests.ts), so neither the answer nor its
 * timing tells. Counted against the client's login limit, like a login.
 */
export async function requestPasswordReset(ctx: Context, email: string): Promise<boolean> {
  await ctx.services.limits.countAttempt(ctx.ip);
  const em = ctx.em.fork();
  em.create(PasswordResetRequest, { email: canonicalEmail(email).slice(0, 254) });
  await em.flush();
  return true;
}

/**
 * Sets a new password with a reset token: the token is claimed in the transaction that changes the
 * password, every session of the user ends, the email counts as verified (the link proved the mailbox) and
 * the failed logins are forgiven. Nobody is logged in.
 */
export async function resetPassword(ctx: Context, token: string, newPassword: string): Promise<boolean> {
  const em = ctx.em.fork();
  const found = await findLiveToken(em, token, TokenKind.PASSWORD_RESET);
  const user = found && (await em.findOne(User, found.user.id));
  if (!found || !user || user.email !== found.email) throw invalidToken();
  assertValid(fieldErrors({ newPassword: passwordProblem(newPassword, user) }));
  ctx.services.hasher.assertCapacity();
  const passwordHash = await ctx.services.hasher.hash(newPassword);

  await writeUser(ctx, user.id, () => em.transactional(async (tem) => {
    if (!(await claimToken(tem, found))) throw invalidToken();
    // Conditional on the address the link went to, in case the email changed since the read above.
    const changed = await tem.nativeUpdate(User, { id: user.id, email: found.email }, { passwordHash, emailVerified: true, updatedAt: new Date() });
    if (changed !== 1) throw invalidToken();
    await onPasswordChanged(tem, user, true);
    await recordSecurityEvent(tem, eventOf(ctx, SecurityEventType.PASSWORD_RESET, user.id));
  }));

  if (ctx.session.userId === user.id) {
    await ctx.session.endOtherSessions(user.id);
    await ctx.session.logOut();
    ctx.user = null;
  } else {
    await ctx.services.sessions.end(user.id);
  }
  await ctx.services.limits.forgiveFailures(user.id);
  return true;
}
