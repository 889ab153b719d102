import { finishLogin, recordThrottle } from "../auth/account";
import { writeUser } from "../user-cache/user-writes";
import type { Context } from "../context";
import { SecurityEventType } from "../entities/security-event-type";
import { User } from "../entities/user.entity";
import { BadUserInputError, TooManyRequestsError, UnauthenticatedError } from "../errors";
import { eventOf, logSecurityEvent, recordSecurityEvent } from "../security-log/record";
import { useSecondFactor } from "./second-factor";

const noPendingLogin = () => new UnauthenticatedError("No login is waiting for a second factor: log in again.");

/**
 * Finishes a login that answered SECOND_FACTOR_REQUIRED, with a TOTP or recovery code: under a new
 * session id, with the anonymous cart merged, remembered as `login` was asked. Each code tried counts
 * against the pending login (5, then it ends) and, as a failed login, against the account's limit.
 */
export async function completeLogin(ctx: Context, code: string): Promise<User> {
  const pending = ctx.session.pendingLogin;
  if (!pending) throw noPendingLogin();
  if (pending.expiresAt <= ctx.services.sessions.now()) {
    await ctx.session.endPendingLogin();
    throw noPendingLogin();
  }
  const user = await ctx.em.findOne(User, pending.userId, { refresh: true });
  if (!user?.twoFactorEnabled) {
    await ctx.session.endPendingLogin();
    throw noPendingLogin();
  }
  const { limits } = ctx.services;
  const triesLeft = await limits.countSecondFactorTry(pending.id);
  if (triesLeft === null) {
    await ctx.session.endPendingLogin();
    throw noPendingLogin();
  }
  let attempt;
  try {
    attempt = await limits.startLogin({ userId: user.id }, ctx.ip);
  } catch (err) {
    if (err instanceof TooManyRequestsError) await recordThrottle(ctx, user.id);
    throw err;
  }

  const used = await writeUser(ctx, user.id, () => ctx.em.transactional(async (em) => {
    const used = await useSecondFactor(em, ctx.services.secretBox, user, code);
    if (used === "recovery") await recordSecurityEvent(em, eventOf(ctx, SecurityEventType.RECOVERY_CODE_USED, user.id));
    return used;
  }));
  if (!used) {
    await logSecurityEvent(ctx, SecurityEventType.LOGIN_FAILED, user.id);
    if (triesLeft === 0) await ctx.session.endPendingLogin();
    throw new BadUserInputError({ code: "is not a valid code" });
  }
  await attempt.succeeded();
  await finishLogin(ctx, user, pending.rememberMe);
  return user;
}
