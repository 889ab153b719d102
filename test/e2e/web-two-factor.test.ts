import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser } from "playwright-core";
import { launchChromium, scenario, screenshot, watchPage } from "../helpers/browser";
import { STRONG_PASSWORD, registerUser } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";
import { codeAt, waitForFreshStep } from "../helpers/two-factor";
import { hostWebApp, type WebAppHost, WEB_APP_SERVER_ENV } from "../helpers/web-app";

let server: TestServer;
let web: WebAppHost;
let browser: Browser;

before(async () => {
  web = await hostWebApp();
  server = await startTestServer("e2e_two_factor", { ...WEB_APP_SERVER_ENV, CORS_ORIGINS: web.origin });
  await web.build(server.url);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await web?.close();
});

describe("two-factor sign-in in the example app, in a browser", () => {
  it("sets two-factor up from a QR code, then logs in with a TOTP code and with a recovery code, and lists the activity", async () => {
    const user = await registerUser(server.client(), { name: "Tess Factor" });
    const context = await browser.newContext({ viewport: { width: 1280, height: 1400 } });
    const page = await context.newPage();
    const watched = watchPage(page, [web.origin, new URL(server.url).origin]);

    await scenario(page, "web-2fa", async () => {
      await page.goto(web.origin);
      const loginForm = page.getByRole("form", { name: "Log in" });
      await loginForm.getByLabel("Email").fill(user.email);
      await loginForm.getByLabel("Password").fill(STRONG_PASSWORD);
      await loginForm.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("who").filter({ hasText: "Hello, Tess Factor" }).waitFor();

      // Setup: the password, then a QR code, the key and ten recovery codes, shown once.
      const panel = page.getByRole("region", { name: "Two-factor sign-in" });
      await panel.getByTestId("two-factor-state").filter({ hasText: "Off." }).waitFor();
      await panel.getByLabel("Your current password").fill(STRONG_PASSWORD);
      await waitForFreshStep();
      await panel.getByRole("button", { name: "Set up two-factor" }).click();
      const qr = panel.getByTestId("totp-qr");
      await qr.waitFor();
      assert.match((await qr.getAttribute("src")) ?? "", /^data:image\/png;base64,/);
      const secret = (await panel.getByTestId("totp-secret").innerText()).trim();
      const recoveryCodes = (await panel.getByTestId("recovery-codes").locator("li").allInnerTexts()).map((c) => c.trim());
      assert.equal(recoveryCodes.length, 10);
      await screenshot(page, "web-2fa-1-setup");

      const confirm = panel.getByRole("form", { name: "Confirm two-factor" });
      await confirm.getByLabel("Code from the app").fill("000000");
      await confirm.getByRole("button", { name: "Turn on two-factor" }).click();
      await panel.getByRole("alert").filter({ hasText: "The code is not a valid code." }).waitFor();
      await confirm.getByLabel("Code from the app").fill(codeAt(secret, -1));
      await confirm.getByRole("button", { name: "Turn on two-factor" }).click();
      await panel.getByTestId("two-factor-state").filter({ hasText: "On." }).waitFor();

      // Log out and in again: the password, then the second step.
      await page.getByRole("button", { name: "Log out" }).click();
      await page.getByTestId("who").filter({ hasText: "Browsing as a guest" }).waitFor();
      await loginForm.getByLabel("Email").fill(user.email);
      await loginForm.getByLabel("Password").fill(STRONG_PASSWORD);
      await loginForm.getByRole("button", { name: "Log in" }).click();
      const second = page.getByRole("form", { name: "Two-factor code" });
      await second.waitFor();
      assert.equal(await page.getByTestId("who").innerText(), "Browsing as a guest");
      await screenshot(page, "web-2fa-2-second-step");
      await second.getByLabel("Code").fill("123456");
      await second.getByRole("button", { name: "Verify" }).click();
      await page.getByRole("alert").filter({ hasText: "The code is not a valid code." }).waitFor();
      await second.getByLabel("Code").fill(codeAt(secret, 0));
      await second.getByRole("button", { name: "Verify" }).click();
      await page.getByTestId("who").filter({ hasText: "Hello, Tess Factor" }).waitFor();

      // Once more, with a recovery code.
      await page.getByRole("button", { name: "Log out" }).click();
      await page.getByTestId("who").filter({ hasText: "Browsing as a guest" }).waitFor();
      await loginForm.getByLabel("Email").fill(user.email);
      await loginForm.getByLabel("Password").fill(STRONG_PASSWORD);
      await loginForm.getByRole("button", { name: "Log in" }).click();
      await second.getByLabel("Code").fill(recoveryCodes[0]);
      await second.getByRole("button", { name: "Verify" }).click();
      await page.getByTestId("who").filter({ hasText: "Hello, Tess Factor" }).waitFor();

      // The security activity, newest first.
      const activity = page.getByRole("region", { name: "Security activity" }).getByTestId("security-events");
      await activity.locator("li").first().filter({ hasText: "Logged in" }).waitFor();
      const types = await activity.locator("li").evaluateAll((items) => items.map((li) => li.getAttribute("data-type")));
      assert.deepEqual(types.slice(0, 3), ["LOGIN_SUCCEEDED", "RECOVERY_CODE_USED", "LOGOUT"]);
      assert.ok(types.includes("TWO_FACTOR_ENABLED"));
      assert.ok(types.includes("LOGIN_FAILED"));
      await screenshot(page, "web-2fa-3-activity");
    });

    assert.deepEqual(watched.foreignRequests, [], "only the app's and the API's origins are contacted");
    assert.deepEqual(watched.errors, [], "no console errors");
    await context.close();
  });
});
