import { assertValid, fieldErrors } from "../errors";
import { canonicalEmail, hasInvisibleCharacters } from "../entities/email";
import { passwordProblem } from "../secrets/password-policy";

// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the mail server's call.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Checked on the canonical form, the one stored (NFKC may turn a full-width `＠` into `@`). */
export function emailProblem(email: string): string | null {
  if (hasInvisibleCharacters(email)) return INVISIBLE;
  const canonical = canonicalEmail(email);
  if (canonical.length > 254) return "must be at most 254 characters";
  return EMAIL.test(canonical) ? null : "must be a valid email address";
}

const INVISIBLE = "must not contain control, zero-width or bidirectional characters";

export function nameProblem(name: string): string | null {
  if (hasInvisibleCharacters(name)) return INVISIBLE;
  const length = name.trim().length;
  if (length < 1) return "must not be empty";
  return length > 100 ? "must be at most 100 characters" : null;
}

/** The checks every new account passes, whoever creates it (register, or an ADMIN's createUser). */
export function assertValidNewAccount(input: { email: string; name: string; password: string }): void {
  assertValid(
    fieldErrors({
      email: emailProblem(input.email),
      name: nameProblem(input.name),
      password: passwordProblem(input.password, input),
    }),
  );
}
