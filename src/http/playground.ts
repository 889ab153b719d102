import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import express, { Router, type Request } from "express";
import type { Logger } from "pino";

/** Where `npm run build` puts the GraphiQL bundle (playground/vite.config.mts). */
export const PLAYGROUND_DIR = path.resolve(__dirname, "../../playground");
/** The bundle's own URL prefix; it must match `base` in playground/vite.config.mts. */
export const PLAYGROUND_ASSETS_PATH = "/playground";

/** A browser opening the endpoint, as opposed to a GraphQL client sending a GET query. */
function wantsPlayground(req: Request): boolean {
  if (req.query.query !== undefined) return false;
  return req.accepts(["application/json", "application/graphql-response+json", "text/html"]) === "text/html";
}

/**
 * GraphiQL at GET /graphql for browsers, and its bundle under /playground/. Mounted before Apollo,
 * so a GET with ?query= or a JSON Accept header still reaches the API. Returns null (and says why)
 * when the bundle was not built, rather than serving a broken page.
 */
export function playgroundRouter(graphqlPath: string, log: Logger, dir = PLAYGROUND_DIR): Router | null {
  const indexFile = path.join(dir, "index.html");
  if (!existsSync(indexFile)) {
    log.warn({ dir }, "playground enabled but not built (run `npm run build`); GET /graphql serves no IDE");
    return null;
  }
  const html = readFileSync(indexFile, "utf8");
  const router = Router();
  // A middleware rather than router.get(): a route would also answer OPTIONS at this path itself,
  // and so swallow the CORS preflight that the API's cors() middleware must answer.
  router.use((req, res, next) => {
    if (req.method !== "GET" || req.path !== graphqlPath || !wantsPlayground(req)) return next();
    // The page loads only same-origin files (Vite emits no inline script), so it runs under the strict
    // Content-Security-Policy that securityHeaders() sets for every response.
    res.vary("Accept").set("Cache-Control", "no-cache").type("html").send(html);
  });
  router.use(
    PLAYGROUND_ASSETS_PATH,
    express.static(dir, {
      index: false,
      // File names carry a content hash, so they never change under the same URL.
      immutable: true,
      maxAge: "1y",
      fallthrough: false,
    }),
  );
  return router;
}
