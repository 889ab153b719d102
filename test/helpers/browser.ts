import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's chromium package; never a browser downloaded by a test tool. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
/** Screenshots land here (gitignored), for a person or CI to look at. */
export const ARTIFACTS_DIR = path.resolve(__dirname, "../../../test-artifacts");

// Without the background-networking flags Chromium keeps trying to reach Google's hosts,
// which a closed network answers with refusals; none of it is needed to drive a page.
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Headless Chromium. Playwright gives every launch a new, empty, temporary --user-data-dir of its
 * own (and removes it on close), so no state is shared between runs.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`No Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Records what a page does that a test should not allow: requests to any other origin than the
 * allowed ones (the page must work offline), console errors (CSP refusals are reported there)
 * and uncaught exceptions.
 */
export function watchPage(page: Page, allowedOrigins: string[]) {
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  page.on("request", (req) => {
    const url = new URL(req.url());
    if (url.protocol === "data:" || url.protocol === "blob:") return;
    if (!allowedOrigins.includes(url.origin)) foreignRequests.push(req.url());
  });
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(String(err)));
  return { foreignRequests, errors };
}

/** Runs a browser scenario; if it fails, saves what the page showed at that moment as `<name>-failure.png`. */
export async function scenario(page: Page, name: string, steps: () => Promise<void>): Promise<void> {
  try {
    await steps();
  } catch (err) {
    await screenshot(page, `${name}-failure`).catch(() => undefined);
    throw err;
  }
}
