import { COMMON_PASSWORDS } from "./common-passwords";

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

const fold = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");

/** True when the password is, or is built around, the email's local part or the name. */
function tooSimilar(password: string, personal: string[]): boolean {
  const p = fold(password);
  return personal
    .map(fold)
    .filter((part) => part.length >= 3)
    .some((part) => p === part || p.includes(part) || (p.length >= 4 && part.includes(p)));
}

/** Returns why the password is refused, or null when it meets the contract's policy. */
export function passwordProblem(password: string, identity: { email?: string; name?: string }): string | null {
  if (password.length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  if (/^\d+$/.test(password)) return "must not be all digits";
  if (COMMON_PASSWORDS.has(password.toLowerCase())) return "is too common";
  const personal = [identity.email?.split("@")[0] ?? "", identity.email ?? "", ...(identity.name ?? "").split(/\s+/), identity.name ?? ""];
  if (tooSimilar(password, personal)) return "is too similar to your email or name";
  return null;
}
