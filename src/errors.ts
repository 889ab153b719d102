import { GraphQLError } from "graphql";

/** The contract's error codes. Anything else is masked as INTERNAL_SERVER_ERROR. */
export const ERROR_CODES = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "BAD_USER_INPUT",
  "NOT_FOUND",
  "CONFLICT",
  "OUT_OF_STOCK",
  "TOO_MANY_REQUESTS",
  "SERVICE_UNAVAILABLE",
  "SECOND_FACTOR_REQUIRED",
  "INTERNAL_SERVER_ERROR",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

abstract class ApiError<C extends ErrorCode> extends GraphQLError {
  constructor(
    message: string,
    readonly code: C,
    extensions: Record<string, unknown> = {},
    httpStatus?: number,
  ) {
    super(message, {
      extensions: { code, ...extensions, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
    });
  }
}

export class UnauthenticatedError extends ApiError<"UNAUTHENTICATED"> {
  constructor(message = "You must be logged in.") {
    super(message, "UNAUTHENTICATED");
  }
}

export class ForbiddenError extends ApiError<"FORBIDDEN"> {
  constructor(message = "You are not allowed to do this.", extensions: { reason?: "EMAIL_NOT_VERIFIED" } = {}) {
    super(message, "FORBIDDEN", extensions);
  }
}

export type FieldErrors = Record<string, string>;

export class BadUserInputError extends ApiError<"BAD_USER_INPUT"> {
  constructor(
    readonly fields: FieldErrors,
    message = "Invalid input: " + Object.keys(fields).join(", ") + ".",
  ) {
    super(message, "BAD_USER_INPUT", { fields });
  }
}

export class NotFoundError extends ApiError<"NOT_FOUND"> {
  constructor(what: string) {
    super(`${what} not found.`, "NOT_FOUND");
  }
}

export class ConflictError extends ApiError<"CONFLICT"> {
  constructor(message: string, extensions: Record<string, unknown> = {}) {
    super(message, "CONFLICT", extensions);
  }
}

export class OutOfStockError extends ApiError<"OUT_OF_STOCK"> {
  constructor(productId: string, available: number) {
    super(`Only ${available} of this product in stock.`, "OUT_OF_STOCK", { productId, available });
  }
}

export class TooManyRequestsError extends ApiError<"TOO_MANY_REQUESTS"> {
  constructor(retryAfterSeconds: number, message = "Too many attempts. Try again later.") {
    super(message, "TOO_MANY_REQUESTS", { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) });
  }
}

export class ServiceUnavailableError extends ApiError<"SERVICE_UNAVAILABLE"> {
  constructor(message = "A backing service is unavailable. Try again shortly.") {
    super(message, "SERVICE_UNAVAILABLE", {}, 503);
  }
}

/** The password was right on an account with two-factor on: the login waits for `completeLogin`. */
export class SecondFactorRequiredError extends ApiError<"SECOND_FACTOR_REQUIRED"> {
  constructor() {
    super("Enter the code from your authenticator app (or a recovery code) to finish logging in.", "SECOND_FACTOR_REQUIRED");
  }
}

/** Throws BAD_USER_INPUT when any field has a message. */
export function assertValid(fields: FieldErrors): void {
  if (Object.keys(fields).length) throw new BadUserInputError(fields);
}

/** Collects the messages of the checks that failed, keyed by field. */
export function fieldErrors(checks: Record<string, string | null | undefined>): FieldErrors {
  const errors: FieldErrors = {};
  for (const [field, problem] of Object.entries(checks)) if (problem) errors[field] = problem;
  return errors;
}
