import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";

/** One error of a GraphQL response, as the API sends it (API.md, Errors). */
export interface ApiError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

/**
 * The API's errors, wherever Apollo Client put them: in the GraphQL response (also for HTTP
 * errors sent as application/graphql-response+json), or in the body of an HTTP error that came
 * before GraphQL ran (a 503 from the session store, say).
 */
export function apiErrors(error: unknown): ApiError[] {
  if (CombinedGraphQLErrors.is(error)) return error.errors as ApiError[];
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText);
      if (Array.isArray(body?.errors)) return body.errors;
    } catch {
      // Not JSON (a proxy's error page): there is no code to read.
    }
  }
  return [];
}

export function errorCode(error: unknown): string | undefined {
  return apiErrors(error)[0]?.extensions?.code;
}

/** Per-field messages of a BAD_USER_INPUT, for showing beside the form fields. */
export function fieldErrors(error: unknown): Record<string, string> {
  const first = apiErrors(error).find((e) => e.extensions?.code === "BAD_USER_INPUT");
  const fields = first?.extensions?.fields;
  return fields && typeof fields === "object" ? (fields as Record<string, string>) : {};
}

const FIELD_LABELS: Record<string, string> = {
  email: "Email",
  name: "Name",
  password: "Password",
  currentPassword: "Your current password",
  newPassword: "The new password",
  token: "The link",
  quantity: "The quantity",
  cart: "Your cart",
  code: "The code",
};

/**
 * The API's field messages are either whole sentences ("Invalid email or password.") or say what
 * the field must be ("must be at least 8 characters"); the latter get the field's name in front.
 */
function sentence(field: string, message: string): string {
  if (/^[A-Z]/.test(message)) return message;
  const text = `${FIELD_LABELS[field] ?? field} ${message}`;
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** "45 seconds", "1 minute", "15 minutes". */
export function waitTime(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

export interface MessageContext {
  /** Names a product for OUT_OF_STOCK, when the page knows it. */
  productName?: (productId: string) => string | undefined;
}

/** What to tell a shopper, from the API's error code: never a stack trace, never "GraphQL". */
export function shopperMessage(error: unknown, context: MessageContext = {}): string {
  const [first] = apiErrors(error);
  const ext = first?.extensions ?? {};
  switch (ext.code) {
    case "OUT_OF_STOCK": {
      const available = Number(ext.available ?? 0);
      const name = context.productName?.(String(ext.productId)) ?? "this item";
      return available === 0
        ? `Sorry, ${name} is sold out.`
        : `Sorry, only ${available} of ${name} left in stock. Lower the quantity and try again.`;
    }
    case "TOO_MANY_REQUESTS":
      return `Too many attempts. Please wait ${waitTime(Number(ext.retryAfterSeconds ?? 60))} and try again.`;
    case "BAD_USER_INPUT": {
      const messages = Object.entries(fieldErrors(error)).map(([field, message]) => sentence(field, message));
      return messages.length ? [...new Set(messages)].join(" ") : "Please check what you entered.";
    }
    case "UNAUTHENTICATED":
      return "Please log in or create an account first.";
    case "FORBIDDEN":
      if (ext.reason === "EMAIL_NOT_VERIFIED") return "Please confirm your email address first: open the link we mailed you.";
      return "Your account is not allowed to do that.";
    case "NOT_FOUND":
      return "That item is no longer available.";
    case "CONFLICT":
      return ext.fields ? "An account with this email already exists. Log in instead." : first.message;
    case "SERVICE_UNAVAILABLE":
      return "The shop is briefly unavailable. Please try again in a moment.";
    case undefined:
      if (!first) return "We can't reach the shop right now. Check your connection and try again.";
      return "Something went wrong on our side. Please try again.";
    default:
      return "Something went wrong on our side. Please try again.";
  }
}
