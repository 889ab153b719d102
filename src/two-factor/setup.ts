import { randomBytes } from "node:crypto";
import type { EntityManager } from "@mikro-orm/core";
import { verifyCurrentPassword } from "../auth/account";
import { writeUser } from "../user-cache/user-writes";
import { requireUser, type Context } from "../context";
import { RecoveryCode } from "../entities/recovery-code.entity";
import { SecurityEventType } from "../entities/security-event-type";
import { User } from "../entities/user.entity";
import { BadUserInputError, ConflictError } from "../errors";
import { eventOf, recordSecurityEvent } from "../security-log/record";
import { base32Encode } from "./base32";
import { otpauthUrl } from "./otpauth";
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from "./recovery-codes";
import { useSecondFactor } from "./second-factor";

export interface TwoFactorSetup {
  secret: string;
  otpauthUrl: string;
  recoveryCodes: string[];
}

const WRONG_CODE = "is not a valid code";
const alreadyOn = () => new ConflictError("Two-factor authentication is already on.");
const notOn = () => new ConflictError("Two-factor authentication is off.");

/**
 * Step one: a new secret and ten recovery codes, shown this once. Two-factor stays off until
 * confirmTwoFactorSetup gets a code made from the secret; beginning again replaces both.
 */
export async function beginTwoFactorSetup(ctx: Context, currentPassword: string): Promise<TwoFactorSetup> {
  const user = requireUser(ctx);
  if (user.twoFactorEnabled) throw alreadyOn();
  const attempt = await verifyCurrentPassword(ctx, user, currentPassword);
  await attempt.succeeded();
  const secret = randomBytes(20); // 160 bits, the size RFC 4226 recommends for HMAC-SHA-1
  const codes = newRecoveryCodes();
  await writeUser(ctx, user.id, () => ctx.em.transactional(async (em) => {
    await em.nativeUpdate(User, { id: user.id }, { twoFactorSecret: ctx.services.secretBox.seal(secret, user.id), twoFactorLastStep: null });
    await replaceRecoveryCodes(em, user.id, codes);
  }));
  const encoded = base32Encode(secret);
  return { secret: encoded, otpauthUrl: otpauthUrl(ctx.services.config.twoFactor.issuer, user.email, encoded), recoveryCodes: codes };
}

/** Step two: a current TOTP code from the new secret turns two-factor on. */
export async function confirmTwoFactorSetup(ctx: Context, code: string): Promise<boolean> {
  const user = requireUser(ctx);
  if (user.twoFactorEnabled) throw alreadyOn();
  // Only a TOTP code proves the app holds the secret; a recovery code proves nothing here.
  if (!/^\s*\d{6}\s*$/.test(code)) throw new BadUserInputError({ code: WRONG_CODE });
  const accepted = await writeUser(ctx, user.id, () => ctx.em.transactional(async (em) => {
    const used = await useSecondFactor(em, ctx.services.secretBox, user, code);
    if (!used) return false;
    await em.nativeUpdate(User, { id: user.id }, { twoFactorEnabled: true });
    await recordSecurityEvent(em, eventOf(ctx, SecurityEventType.TWO_FACTOR_ENABLED, user.id));
    return true;
  }));
  if (!accepted) throw new BadUserInputError({ code: WRONG_CODE });
  user.twoFactorEnabled = true; // the row is written already; this request's copy follows it
  return true;
}

/** Turns two-factor off: the password and a TOTP or recovery code. The secret and the codes are deleted. */
export async function disableTwoFactor(ctx: Context, currentPassword: string, code: string): Promise<boolean> {
  const user = requireUser(ctx);
  if (!user.twoFactorEnabled) throw notOn();
  const attempt = await verifyCurrentPassword(ctx, user, currentPassword);
  await withSecondFactor(ctx, user, code, async (em) => {
    await em.nativeUpdate(User, { id: user.id }, { twoFactorEnabled: false, twoFactorSecret: null, twoFactorLastStep: null });
    await em.nativeDelete(RecoveryCode, { user: user.id });
    await recordSecurityEvent(em, eventOf(ctx, SecurityEventType.TWO_FACTOR_DISABLED, user.id));
  });
  await attempt.succeeded();
  user.twoFactorEnabled = false;
  return true;
}

/** Ten new recovery codes, shown this once; the old ones stop working. */
export async function regenerateRecoveryCodes(ctx: Context, currentPassword: string, code: string): Promise<string[]> {
  const user = requireUser(ctx);
  if (!user.twoFactorEnabled) throw notOn();
  const attempt = await verifyCurrentPassword(ctx, user, currentPassword);
  const codes = newRecoveryCodes();
  await withSecondFactor(ctx, user, code, async (em) => {
    await replaceRecoveryCodes(em, user.id, codes);
    await recordSecurityEvent(em, eventOf(ctx, SecurityEventType.RECOVERY_CODES_REGENERATED, user.id));
  });
  await attempt.succeeded();
  return codes;
}

/**
 * Runs `work` in one transaction with the code used up, a recovery code logged as used; a wrong code is
 * BAD_USER_INPUT `fields.code` and changes nothing.
 */
async function withSecondFactor(ctx: Context, user: User, code: string, work: (em: EntityManager) => Promise<void>): Promise<void> {
  // A TOTP code used up is written to the user's row (their last step): a user write like any other.
  const accepted = await writeUser(ctx, user.id, () => ctx.em.transactional(async (em) => {
    const used = await useSecondFactor(em, ctx.services.secretBox, user, code);
    if (!used) return false;
    if (used === "recovery") await recordSecurityEvent(em, eventOf(ctx, SecurityEventType.RECOVERY_CODE_USED, user.id));
    await work(em);
    return true;
  }));
  if (!accepted) throw new BadUserInputError({ code: WRONG_CODE });
}

async function replaceRecoveryCodes(em: EntityManager, userId: number, codes: string[]): Promise<void> {
  await em.nativeDelete(RecoveryCode, { user: userId });
  for (const code of codes) {
    em.create(RecoveryCode, { user: em.getReference(User, userId), codeHash: hashRecoveryCode(normalizeRecoveryCode(code)!) });
  }
  await em.flush();
}
