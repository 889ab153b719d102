import { randomBytes } from "node:crypto";
import { mergeAnonymousCart } from "../cart/cart-merge";
import { deleteAnonymousCart } from "../cart/cart-sweeper";
import { requireUser, type Context } from "../context";
import { SecurityEventType } from "../entities/security-event-type";
import { User } from "../entities/user.entity";
import { assertValid, BadUserInputError, fieldErrors, SecondFactorRequiredError, TooManyRequestsError } from "../errors";
import type { LoginAttempt } from "../limits/login-limits";
import { onAccountCreated, onPasswordChanged } from "../recovery/account-mail";
import { eventOf, logSecurityEvent, recordSecurityEvent } from "../security-log/record";
import { passwordProblem } from "../secrets/password-policy";
import { writeUser } from "../user-cache/user-writes";
import { assertValidNewAccount } from "./validation";

const INVALID_CREDENTIALS = "Invalid email or password.";

/** Creates a USER and logs the visitor in as them. */
export async function register(ctx: Context, input: { email: string; name: string; password: string }): Promise<User> {
  await ctx.services.limits.countAttempt(ctx.ip);
  assertValidNewAccount(input);
  const passwordHash = await ctx.services.hasher.hash(input.password);
  const user = await ctx.em.transactional(async (em) => {
    const user = await em
      .getRepository(User)
      .add({ email: input.email, name: input.name.trim(), passwordHash }, (user) => onAccountCreated(em, user, ctx.services.config.mail));
    await recordSecurityEvent(em, eventOf(ctx, SecurityEventType.USER_CREATED, user.id));
    return user;
  });
  await startSession(ctx, user, false);
  return user;
}

/**
 * One answer for an unknown email and a wrong password, and the same work (a hash) for both. The attempt
 * is counted before the hash is checked (src/limits/login-limits.ts), so no number of parallel or aliased
 * attempts gets past the limits. On an account with two-factor on, the right password only starts a
 * pending login (SECOND_FACTOR_REQUIRED), and the account's failures are forgiven at completeLogin.
 */
export async function login(ctx: Context, email: string, password: string, rememberMe: boolean): Promise<User> {
  ctx.services.hasher.assertCapacity();
  await ctx.services.limits.countAttempt(ctx.ip);
  const user = email.length <= 1024 ? await ctx.em.getRepository(User).findForLogin(email) : null;
  let attempt: LoginAttempt;
  try {
    attempt = await ctx.services.limits.startLogin(user ? { userId: user.id } : { email: email.slice(0, 1024) }, ctx.ip);
  } catch (err) {
    // Only for an account that exists: an unknown email is what an attacker typed, not an event.
    if (err instanceof TooManyRequestsError && user) await recordThrottle(ctx, user.id);
    throw err;
  }
  const ok = await ctx.services.hasher.verify(user?.passwordHash, password.slice(0, 1024));
  if (!user || !ok) {
    ctx.services.metrics?.loginFailed();
    // Only for an account that exists: an unknown email is what an attacker typed, not an event.
    if (user) await logSecurityEvent(ctx, SecurityEventType.LOGIN_FAILED, user.id);
    throw new BadUserInputError({ email: INVALID_CREDENTIALS, password: INVALID_CREDENTIALS }, INVALID_CREDENTIALS);
  }
  if (user.twoFactorEnabled) {
    const expiresAt = ctx.services.sessions.now() + ctx.services.config.twoFactor.pendingLoginS * 1000;
    await ctx.session.beginPendingLogin({ id: randomBytes(16).toString("base64url"), userId: user.id, rememberMe, expiresAt });
    ctx.user = null;
    throw new SecondFactorRequiredError();
  }
  await attempt.succeeded();
  await finishLogin(ctx, user, rememberMe);
  return user;
}

/** Logs the user in (new session id, anonymous cart merged) and records the login. */
export async function finishLogin(ctx: Context, user: User, rememberMe: boolean): Promise<void> {
  await startSession(ctx, user, rememberMe);
  await logSecurityEvent(ctx, SecurityEventType.LOGIN_SUCCEEDED, user.id);
}

/** Ends this session; true if there was one. */
export async function logout(ctx: Context): Promise<boolean> {
  const userId = ctx.viewer?.id;
  const sessionKey = ctx.session.publicId;
  const ended = await ctx.session.logOut();
  // A guest who logs out starts over: the cart of the session that ended goes with it (docs/cart.md).
  if (ended && sessionKey) await deleteAnonymousCart(ctx, sessionKey);
  if (ended && userId !== undefined) await logSecurityEvent(ctx, SecurityEventType.LOGOUT, userId);
  ctx.user = null;
  return ended;
}

export async function changePassword(ctx: Context, currentPassword: string, newPassword: string): Promise<boolean> {
  const user = requireUser(ctx);
  const attempt = await verifyCurrentPassword(ctx, user, currentPassword);
  await attempt.succeeded();
  const problem = newPassword === currentPassword ? "must differ from the current password" : passwordProblem(newPassword, user);
  assertValid(fieldErrors({ newPassword: problem }));
  const passwordHash = await ctx.services.hasher.hash(newPassword);
  await writeUser(ctx, user.id, () => ctx.em.transactional(async (em) => {
    await em.nativeUpdate(User, { id: user.id }, { passwordHash, updatedAt: new Date() });
    await onPasswordChanged(em, user, false);
    await recordSecurityEvent(em, eventOf(ctx, SecurityEventType.PASSWORD_CHANGED, user.id));
  }));
  await ctx.session.endOtherSessions(user.id);
  // A new id for this session too: whoever knew the old one is out with the old password.
  await ctx.session.logIn(user.id, ctx.session.rememberMe);
  return true;
}

/**
 * Checks a logged-in user's current password (BAD_USER_INPUT `fields.currentPassword` when wrong),
 * counted before the hash is checked, like a login: parallel or aliased guesses cannot race past it.
 * The caller calls `succeeded()` once everything it asked for was right.
 */
export async function verifyCurrentPassword(ctx: Context, user: User, currentPassword: string): Promise<LoginAttempt> {
  ctx.services.hasher.assertCapacity();
  const attempt = await ctx.services.limits.startPasswordCheck(user.id);
  await ctx.em.populate(user, ["passwordHash"]);
  if (!(await ctx.services.hasher.verify(user.passwordHash, currentPassword.slice(0, 1024)))) {
    throw new BadUserInputError({ currentPassword: "is not your current password" });
  }
  return attempt;
}

/** LOGIN_THROTTLED, once per limit window, for an account that exists. */
export async function recordThrottle(ctx: Context, userId: number): Promise<void> {
  if (await ctx.services.limits.firstThrottleInWindow(userId)) {
    await logSecurityEvent(ctx, SecurityEventType.LOGIN_THROTTLED, userId);
  }
}

/**
 * A user changing their own email proves it is them with their current password: a stolen session alone
 * must not move the account (and its password resets) to another address. Counted like a login on the
 * account (a wrong or missing password is a failed login), and limited per account and client like a
 * registration, since each change tells whether an address is registered.
 */
export async function assertMayChangeOwnEmail(ctx: Context, user: User, currentPassword: string | null | undefined): Promise<void> {
  ctx.services.hasher.assertCapacity();
  await ctx.services.limits.countEmailChange(user.id, ctx.ip);
  const attempt = await ctx.services.limits.startLogin({ userId: user.id }, ctx.ip);
  await ctx.em.populate(user, ["passwordHash"]);
  const ok = await ctx.services.hasher.verify(user.passwordHash, (currentPassword ?? "").slice(0, 1024));
  if (!currentPassword || !ok) throw new BadUserInputError({ currentPassword: currentPassword ? "is not your current password" : "is required to change your email" });
  await attempt.succeeded();
}


async function startSession(ctx: Context, user: User, rememberMe: boolean): Promise<void> {
  // The cart the visitor filled before logging in is keyed by the session that logIn replaces. It is merged
  // first: should the merge fail, the visitor is answered the error and stays as they were, anonymous with
  // their cart, rather than being logged in behind an error with their cart left on a session that ended.
  const anonymous = ctx.session.publicId;
  if (anonymous) await mergeAnonymousCart(ctx, anonymous, user.id);
  await ctx.session.logIn(user.id, rememberMe);
  ctx.user = user;
}
