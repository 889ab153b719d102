import type { Request, RequestHandler, Response } from "express";
import helmet from "helmet";
import type { Config } from "../config";

/**
 * helmet's defaults, with a Content-Security-Policy that allows only this origin (no CDN, no external
 * fonts) while still letting the playground run from its own script and style files. Inline styles stay
 * allowed because editor components set them; inline scripts do not.
 */
export function securityHeaders(config: Config): RequestHandler {
  const headers = headersOf(helmetFor(config));
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

function helmetFor(config: Config): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "base-uri": ["'self'"],
        "connect-src": ["'self'"],
        "font-src": ["'self'", "data:"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "script-src": ["'self'"],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "worker-src": ["'self'", "blob:"],
        // Development runs on plain http://localhost, where upgrading would break the playground.
        ...(config.isProduction ? { "upgrade-insecure-requests": [] } : {}),
      },
    },
    // HSTS only where the API is served over TLS.
    strictTransportSecurity: config.isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    frameguard: { action: "deny" },
  });
}

/**
 * The headers a helmet middleware sets, read once at start. Every directive here is a constant (no nonce,
 * nothing taken from the request), so they are the same on every response; setting them from a list
 * costs a fraction of running helmet's fifteen middlewares on every request.
 */
function headersOf(middleware: RequestHandler): Array<[string, string]> {
  const headers: Array<[string, string]> = [];
  let done = false;
  const res = {
    setHeader: (name: string, value: unknown) => headers.push([name, String(value)]),
    removeHeader: () => undefined, // X-Powered-By, which the app disables anyway
  };
  void middleware({ headers: {} } as Request, res as unknown as Response, (err?: unknown) => {
    if (err) throw err;
    done = true;
  });
  if (!done) throw new Error("helmet did not finish synchronously: its headers cannot be computed once");
  return headers;
}
