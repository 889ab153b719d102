import type { RequestHandler } from "express";
import helmet from "helmet";
import type { Config } from "../config";

/**
 * helmet's defaults, with a Content-Security-Policy that allows only this origin (no CDN, no external
 * fonts) while still letting the playground run from its own script and style files. Inline styles stay
 * allowed because editor components set them; inline scripts do not.
 */
export function securityHeaders(config: Config): RequestHandler {
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
