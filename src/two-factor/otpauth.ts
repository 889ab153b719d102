import { TOTP } from "./totp";

/** The Key Uri Format authenticator apps read from a QR code: otpauth://totp/<issuer>:<account>?... */
export function otpauthUrl(issuer: string, account: string, secretBase32: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: TOTP.algorithm.toUpperCase(),
    digits: String(TOTP.digits),
    period: String(TOTP.periodS),
  });
  return `otpauth://totp/${label}?${params}`;
}
