import type { ServerResponse } from "node:http";

export interface ClearCookieOptions {
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: "lax" | "strict" | "none";
}

const SAME_SITE = { lax: "Lax", strict: "Strict", none: "None" } as const;

/**
 * Expires the cookie with the header Express's `res.clearCookie` writes, on a plain Node response: a request
 * served by the fast GraphQL front has no Express prototypes, and sessions sit below the HTTP layer.
 */
export function clearCookie(res: ServerResponse, name: string, options: ClearCookieOptions = {}): void {
  let cookie = `${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  if (options.httpOnly) cookie += "; HttpOnly";
  if (options.secure) cookie += "; Secure";
  if (options.sameSite) cookie += `; SameSite=${SAME_SITE[options.sameSite]}`;
  const previous = res.getHeader("set-cookie");
  const all = previous === undefined ? [] : Array.isArray(previous) ? previous : [String(previous)];
  res.setHeader("set-cookie", [...all, cookie]);
}
