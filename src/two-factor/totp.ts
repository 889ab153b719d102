import { createHmac, timingSafeEqual } from "node:crypto";

/** RFC 6238 with the parameters the API uses: HMAC-SHA-1, 6 digits, 30-second steps from the Unix epoch. */
export const TOTP = { algorithm: "sha1", digits: 6, periodS: 30 } as const;

/** The time step a moment falls in (RFC 6238, T = floor((now - T0) / X)). */
export function timeStep(nowMs: number, periodS: number = TOTP.periodS): number {
  return Math.floor(nowMs / 1000 / periodS);
}

/** HOTP (RFC 4226): the HMAC of the 8-byte big-endian counter, dynamically truncated to `digits` digits. */
export function hotp(secret: Buffer, counter: number, digits: number = TOTP.digits, algorithm: string = TOTP.algorithm): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, secret).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

export function totp(secret: Buffer, nowMs: number, digits: number = TOTP.digits, algorithm: string = TOTP.algorithm): string {
  return hotp(secret, timeStep(nowMs), digits, algorithm);
}

/**
 * The step whose code `code` is, among the current one and one step either side (clock skew), or null.
 * Every candidate is compared, in constant time, so the answer's timing says nothing about which matched.
 */
export function matchingStep(secret: Buffer, code: string, nowMs: number): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const current = timeStep(nowMs);
  let found: number | null = null;
  for (const step of [current - 1, current, current + 1]) {
    if (timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(code)) && found === null) found = step;
  }
  return found;
}
