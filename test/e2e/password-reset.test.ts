import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium, scenario, screenshot, watchPage } from "../helpers/browser";
import { registerUser } from "../helpers/factories";
import { mailEnv } from "../helpers/recovery";
import { startTestServer, type TestServer } from "../helpers/server";
import { SmtpPeer } from "../helpers/smtp-peer";
import { hostWebApp, type WebAppHost, WEB_APP_SERVER_ENV } from "../helpers/web-app";

let peer: SmtpPeer;
let server: TestServer;
let web: WebAppHost;
let browser: Browser;

before(async () => {
  peer = await new SmtpPeer().start();
  web = await hostWebApp();
  server = await startTestServer("e2e_reset", {
    ...WEB_APP_SERVER_ENV,
    ...mailEnv(peer),
    CORS_ORIGINS: web.origin,
    PASSWORD_RESET_URL: `${web.origin}/reset-password?token={token}`,
    EMAIL_VERIFICATION_URL: `${web.origin}/verify-email?token={token}`,
  });
  await web.build(server.url);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await web?.close();
  await peer?.stop();
});

describe("the example app's password reset, in a browser", () => {
  it("asks for a link, follows it from the mail, sets a new password and logs in with it", async () => {
    const user = await registerUser(server.client());
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const watched = watchPage(page, [web.origin, new URL(server.url).origin]);

    await scenario(page, "web-reset", async () => {
      await page.goto(web.origin);
      await page.getByRole("link", { name: "Forgot your password?" }).click();
      await page.waitForURL(`${web.origin}/forgot-password`);
      const form = page.getByRole("form", { name: "Forgot password" });
      await form.getByLabel("Email").fill(user.email);
      await form.getByRole("button", { name: "Send me a link" }).click();
      await page.getByRole("status").filter({ hasText: `If ${user.email} belongs to an account` }).waitFor();
      await screenshot(page, "web-reset-1-requested");

      const [mail] = await peer.waitFor(user.email, { subject: /Reset your/ });
      const link = /href="([^"]+)"/.exec(String(mail.html))![1].replaceAll("&amp;", "&");
      assert.ok(link.startsWith(`${web.origin}/reset-password?token=`), link);
      await page.goto(link);
      const reset = page.getByRole("form", { name: "Reset password" });
      await reset.getByLabel("New password").fill("short");
      await reset.getByRole("button", { name: "Set the new password" }).click();
      await page.getByRole("alert").waitFor();
      await reset.getByLabel("New password").fill("a fresh passphrase from the mail");
      await reset.getByRole("button", { name: "Set the new password" }).click();
      await page.getByRole("status").filter({ hasText: "Your password is changed" }).waitFor();
      await screenshot(page, "web-reset-2-done");

      // The link worked once: opened again, the page says so.
      await page.goto(link);
      await reset.getByLabel("New password").fill("yet another passphrase here");
      await reset.getByRole("button", { name: "Set the new password" }).click();
      await page.getByRole("alert").filter({ hasText: "This link is invalid or has expired" }).waitFor();

      await page.goto(web.origin);
      const login = page.getByRole("form", { name: "Log in" });
      await login.getByLabel("Email").fill(user.email);
      await login.getByLabel("Password").fill("a fresh passphrase from the mail");
      await login.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("who").filter({ hasText: `Hello, ${user.name}` }).waitFor();
    });

    assert.deepEqual(watched.foreignRequests, []);
    assert.deepEqual(watched.errors, [], "no console errors");
    await context.close();
  });

  it("verifies an email from the link in the welcome mail", async () => {
    const user = await registerUser(server.client());
    const [mail] = await peer.waitFor(user.email, { subject: /Welcome/ });
    const link = /href="([^"]+)"/.exec(String(mail.html))![1].replaceAll("&amp;", "&");
    const context = await browser.newContext();
    const page = await context.newPage();
    await scenario(page, "web-verify", async () => {
      await page.goto(link);
      await page.getByRole("status").filter({ hasText: `${user.email} is confirmed` }).waitFor();
    });
    await context.close();
  });
});
