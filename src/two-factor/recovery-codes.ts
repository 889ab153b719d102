import { createHash, randomBytes } from "node:crypto";
import { base32Encode } from "./base32";

export const RECOVERY_CODE_COUNT = 10;

/**
 * Ten codes of 80 random bits each, written `xxxx-xxxx-xxxx-xxxx` (base32, lower case). With that much
 * entropy a SHA-256 is as good a one-way store as a slow hash: guessing one from its hash means searching
 * 2^80 values. A fast hash also lets a code be looked up and claimed by its hash in one indexed UPDATE.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    base32Encode(randomBytes(10)).toLowerCase().match(/.{4}/g)!.join("-"),
  );
}

/** Codes are accepted with or without dashes and spaces, in either case. */
export function normalizeRecoveryCode(code: string): string | null {
  const plain = code.replace(/[\s-]/g, "").toLowerCase();
  return /^[a-z2-7]{16}$/.test(plain) ? plain : null;
}

export function hashRecoveryCode(normalized: string): string {
  return createHash("sha256").update(normalized).digest("hex");
}
