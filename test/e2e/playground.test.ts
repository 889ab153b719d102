import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, scenario, screenshot, watchPage } from "../helpers/browser";
import { registerUser } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let browser: Browser;
before(async () => {
  server = await startTestServer("e2e_playground");
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Replaces an editor's whole text as a person would paste it (insertText skips auto-closing brackets). */
async function setEditor(page: Page, editor: string, text: string) {
  await page.locator(`${editor} .monaco-editor`).first().click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

/** Runs one named operation and returns the JSON shown in the response pane once it contains `expected`. */
async function run(page: Page, operationName: string, query: string, expected: string) {
  await setEditor(page, ".graphiql-query-editor", query);
  // GraphiQL takes in an edit after a short debounce; the tab shows the operation's name once it has.
  await page.locator(".graphiql-tab-active").filter({ hasText: operationName }).waitFor();
  await page.locator(".graphiql-execute-button").click();
  const response = page.locator(".graphiql-response .view-lines");
  await response.filter({ hasText: expected }).waitFor();
  return JSON.parse((await response.innerText()).replace(/\u00a0/g, " "));
}

describe("the playground in a browser", () => {
  it("logs in with a mutation, then me answers with the user, from the session cookie", async () => {
    const user = await registerUser(server.client(), { name: "Grace Hopper" });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const origin = new URL(server.url).origin;
    const watched = watchPage(page, [origin]);

    await scenario(page, "playground", async () => {
      await page.goto(server.url);
      await page.locator(".graphiql-query-editor .monaco-editor").waitFor();

      await setEditor(page, ".graphiql-editor-tool", JSON.stringify({ email: user.email, password: user.password }));
      const login = await run(
        page,
        "Login",
        "mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { id email } }",
        user.email,
      );
      assert.deepEqual(login, { data: { login: { id: user.id, email: user.email } } });

      const cookies = await context.cookies(origin);
      const session = cookies.find((c) => c.name === server.config.session.cookieName);
      assert.ok(session, "the browser holds the session cookie");
      assert.equal(session.httpOnly, true, "and page scripts cannot read it");

      const me = await run(page, "Me", "query Me { me { id name } }", "Grace Hopper");
      assert.deepEqual(me, { data: { me: { id: user.id, name: "Grace Hopper" } } });
      await screenshot(page, "playground-me");

      const logout = await run(page, "Logout", "mutation Logout { logout }", "logout");
      assert.deepEqual(logout, { data: { logout: true } });
      assert.deepEqual(await run(page, "MeAfterLogout", "query MeAfterLogout { me { id } }", "null"), { data: { me: null } });

    });

    assert.deepEqual(watched.foreignRequests, [], "works offline: every file comes from the API's origin");
    assert.deepEqual(watched.errors, [], "no console errors (a CSP refusal would be one)");
    await context.close();
  });
});
