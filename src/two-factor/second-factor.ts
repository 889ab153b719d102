import type { EntityManager } from "@mikro-orm/core";
import { RecoveryCode } from "../entities/recovery-code.entity";
import { User } from "../entities/user.entity";
import { hashRecoveryCode, normalizeRecoveryCode } from "./recovery-codes";
import type { SecretBox } from "../secrets/secret-box";
import { matchingStep } from "./totp";

export type SecondFactor = "totp" | "recovery";

/**
 * Checks a TOTP or recovery code of `user` and, if right, uses it up: the TOTP's time step becomes the
 * user's last, or the recovery code is marked used. Each is claimed by one conditional UPDATE, so of any
 * number of requests with the same code, on any instance, exactly one gets it (a replay is refused).
 * Run it inside the transaction that acts on the answer.
 */
export async function useSecondFactor(
  em: EntityManager,
  box: SecretBox,
  user: User,
  code: string,
  nowMs = Date.now(),
): Promise<SecondFactor | null> {
  const trimmed = code.trim();
  if (/^\d{6}$/.test(trimmed)) return (await useTotp(em, box, user, trimmed, nowMs)) ? "totp" : null;
  const normalized = normalizeRecoveryCode(trimmed);
  if (!normalized) return null;
  const claimed = await em.nativeUpdate(
    RecoveryCode,
    { user: user.id, codeHash: hashRecoveryCode(normalized), usedAt: null },
    { usedAt: new Date(nowMs) },
  );
  return claimed === 1 ? "recovery" : null;
}

async function useTotp(em: EntityManager, box: SecretBox, user: User, code: string, nowMs: number): Promise<boolean> {
  const row = await em.findOne(User, user.id, { fields: ["id", "twoFactorSecret"], refresh: true, disableIdentityMap: true });
  if (!row?.twoFactorSecret) return false;
  const step = matchingStep(box.open(row.twoFactorSecret, user.id), code, nowMs);
  if (step === null) return false;
  const changes: Partial<User> = { twoFactorLastStep: step };
  // A secret sealed under a key that is no longer the first moves to the current key at its next use.
  if (box.isStale(row.twoFactorSecret)) changes.twoFactorSecret = box.seal(box.open(row.twoFactorSecret, user.id), user.id);
  const claimed = await em.nativeUpdate(
    User,
    { id: user.id, $or: [{ twoFactorLastStep: null }, { twoFactorLastStep: { $lt: step } }] },
    changes,
  );
  return claimed === 1;
}
