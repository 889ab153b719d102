import { assertValid, type FieldErrors } from "../errors";
import { passwordProblem } from "./password-policy";

// Deliberately simple: one @, no spaces, a dot in the domain. Deliverability is the mail server's call.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailProblem(email: string): string | null {
  const trimmed = email.trim();
  if (trimmed.length > 254) return "must be at most 254 characters";
  return EMAIL.test(trimmed) ? null : "must be a valid email address";
}

export function nameProblem(name: string): string | null {
  const length = name.trim().length;
  if (length < 1) return "must not be empty";
  return length > 100 ? "must be at most 100 characters" : null;
}

/** Collects the messages of the checks that failed, keyed by field. */
export function fieldErrors(checks: Record<string, string | null | undefined>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, problem] of Object.entries(checks)) if (problem) errors[field] = problem;
  return errors;
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
