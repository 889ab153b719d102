import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import express from "express";

const ROOT = path.resolve(__dirname, "../../..");
export const WEB_APP_DIR = path.join(ROOT, "examples", "web");
/** The build sends document ids, so the API it talks to runs with the app's manifest, as in production. */
export const WEB_APP_SERVER_ENV = { TRUSTED_DOCUMENTS: path.join(WEB_APP_DIR, "src", "gql", "persisted-documents.json") };

export interface WebAppHost {
  /** The app's origin, e.g. http://127.0.0.1:45123 (a different port from the API's). */
  origin: string;
  /** Builds the app for this API (VITE_API_URL) and serves the build from `origin`. */
  build(apiUrl: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The example app as a shopper meets it: a production build, served as static files on its own
 * origin. The port is taken first, because the API must list the origin in CORS_ORIGINS before it
 * starts, and the build must know the API's URL.
 */
export async function hostWebApp(): Promise<WebAppHost> {
  const outDir = mkdtempSync(path.join(tmpdir(), "sessiongraph-web-"));
  const app = express();
  app.use(express.static(outDir));
  // The pages a mail links to (/reset-password, /verify-email) are the app's too, as on any static host
  // set up for a single-page app.
  app.use((_req, res) => res.sendFile(path.join(outDir, "index.html")));
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    async build(apiUrl) {
      const vite = path.join(ROOT, "node_modules", ".bin", "vite");
      await promisify(execFile)(vite, ["build", "--outDir", outDir, "--emptyOutDir", "--logLevel", "warn"], {
        cwd: WEB_APP_DIR,
        env: { ...process.env, VITE_API_URL: apiUrl },
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}
