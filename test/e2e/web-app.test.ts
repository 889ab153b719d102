import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium, scenario, screenshot, watchPage } from "../helpers/browser";
import { STRONG_PASSWORD, login, uniqueEmail } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";
import { hostWebApp, type WebAppHost, WEB_APP_SERVER_ENV } from "../helpers/web-app";

const ADMIN = { email: "shopkeeper@example.test", password: "brass counter and till 2026" };

let server: TestServer;
let web: WebAppHost;
let browser: Browser;

before(async () => {
  web = await hostWebApp();
  server = await startTestServer("e2e_web", {
    ...WEB_APP_SERVER_ENV,
    CORS_ORIGINS: web.origin,
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    LOGIN_MAX_FAILURES_PER_ACCOUNT: "3",
  });
  await Promise.all([web.build(server.url), seedCatalog()]);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
  await web?.close();
});

/** 14 products: more than the app's first page of 12, one with only two in stock. */
async function seedCatalog() {
  const admin = server.client();
  await login(admin, ADMIN.email, ADMIN.password);
  const products = [
    { sku: "MUG-BLUE", name: "Blue Mug", description: "Holds 350 ml of tea.", priceCents: 1250, stock: 40 },
    { sku: "LAMP-LTD", name: "Limited Lamp", description: "Only a few were made.", priceCents: 4999, stock: 2 },
    ...Array.from({ length: 12 }, (_, i) => ({
      sku: `NOTE-${i + 1}`,
      name: `Notebook no. ${i + 1}`,
      description: "Dotted, A5.",
      priceCents: 600 + i * 10,
      stock: 100,
    })),
  ];
  for (const input of products) {
    await admin.ok(`mutation($input: ProductInput!) { createProduct(input: $input) { id } }`, { input });
  }
}

const card = (page: Page, name: string) => page.locator("li.product").filter({ has: page.getByRole("heading", { name, exact: true }) });
const cartCount = (page: Page) => page.getByTestId("cart-count");

describe("the example app in a browser, on its own origin", () => {
  it("browses, fills a guest cart, registers keeping it, checks out, logs out and back in", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const apiOrigin = new URL(server.url).origin;
    const watched = watchPage(page, [web.origin, apiOrigin]);
    assert.notEqual(web.origin, apiOrigin);

    await scenario(page, "web", async () => {
      // Browse: the first page, then the next one merged below it.
      await page.goto(web.origin);
      await page.getByTestId("product-count").filter({ hasText: "Showing 12 of 14 products" }).waitFor();
      await screenshot(page, "web-1-catalog");
      await page.getByRole("button", { name: "Show more" }).click();
      await page.getByTestId("product-count").filter({ hasText: "Showing 14 of 14 products" }).waitFor();
      assert.equal(await page.locator("li.product").count(), 14);
      assert.equal(await page.getByRole("button", { name: "Show more" }).count(), 0);

      // A guest cart, and a quantity the shop does not have.
      await card(page, "Blue Mug").getByRole("button", { name: "Add to cart" }).click();
      await cartCount(page).filter({ hasText: "(1)" }).waitFor();
      await card(page, "Limited Lamp").getByRole("button", { name: "Add to cart" }).click();
      await cartCount(page).filter({ hasText: "(2)" }).waitFor();
      await card(page, "Limited Lamp").getByRole("button", { name: "Add to cart" }).click();
      await cartCount(page).filter({ hasText: "(3)" }).waitFor();
      await card(page, "Limited Lamp").getByRole("button", { name: "Add to cart" }).click();
      await card(page, "Limited Lamp")
        .getByRole("alert")
        .filter({ hasText: "Sorry, only 2 of Limited Lamp left in stock. Lower the quantity and try again." })
        .waitFor();
      await cartCount(page).filter({ hasText: "(3)" }).waitFor();
      await screenshot(page, "web-2-out-of-stock");

      await page.getByRole("button", { name: "One more Blue Mug" }).click();
      await page.getByTestId("cart-total").filter({ hasText: "€124.98" }).waitFor(); // 2 × 12.50 + 2 × 49.99
      await cartCount(page).filter({ hasText: "(4)" }).waitFor();

      // Checking out needs an account; the message says so and keeps the cart.
      await page.getByRole("button", { name: "Check out (log in first)" }).click();
      await page.getByRole("alert").filter({ hasText: "Log in or create an account to check out. Your cart will be kept." }).waitFor();

      // Register: the guest cart becomes the member's.
      const email = uniqueEmail("browser");
      await page.getByRole("button", { name: "New here? Create an account" }).click();
      const form = page.getByRole("form", { name: "Create an account" });
      await form.getByLabel("Name").fill("Margaret Shopper");
      await form.getByLabel("Email").fill(email);
      await form.getByLabel("Password").fill(STRONG_PASSWORD);
      await form.getByRole("button", { name: "Create account" }).click();
      await page.getByTestId("who").filter({ hasText: "Hello, Margaret Shopper" }).waitFor();
      await cartCount(page).filter({ hasText: "(4)" }).waitFor();
      assert.equal(await page.getByTestId("cart-total").innerText(), "€124.98");
      await page.getByText("No orders yet.").waitFor();
      assert.equal(await page.getByRole("alert").count(), 0, "the guest's checkout message is gone");
      // The app resets Apollo's store when the session changes, so the catalog starts over at page one.
      await page.getByTestId("product-count").filter({ hasText: "Showing 12 of 14 products" }).waitFor();
      await page.getByRole("button", { name: "Show more" }).click();
      await page.getByTestId("product-count").filter({ hasText: "Showing 14 of 14 products" }).waitFor();
      await screenshot(page, "web-3-registered-cart-kept");

      // Check out: an order, an empty cart, and the lamp's new stock on its card (same Product id).
      await page.getByRole("button", { name: "Check out", exact: true }).click();
      const placed = page.getByTestId("order-placed");
      await placed.filter({ hasText: "is placed (€124.98)" }).waitFor();
      const orderId = /Order #(\d+)/.exec(await placed.innerText())![1];
      await cartCount(page).filter({ hasText: "(0)" }).waitFor();
      await page.getByTestId(`order-${orderId}`).filter({ hasText: "2 × Limited Lamp at €49.99" }).waitFor();
      await card(page, "Limited Lamp").getByText("Sold out").waitFor();
      await card(page, "Blue Mug").getByText("38 in stock").waitFor();
      await screenshot(page, "web-4-ordered");

      // The session cookie belongs to the API's host, and page scripts cannot read it.
      const cookie = (await context.cookies(apiOrigin)).find((c) => c.name === server.config.session.cookieName);
      assert.equal(cookie?.httpOnly, true);
      assert.equal(await page.evaluate(() => document.cookie), "");

      // Log out: a guest again, with an empty cart and no orders on screen.
      await page.getByRole("button", { name: "Log out" }).click();
      await page.getByTestId("who").filter({ hasText: "Browsing as a guest" }).waitFor();
      await cartCount(page).filter({ hasText: "(0)" }).waitFor();
      assert.equal(await page.getByRole("region", { name: "Your orders" }).count(), 0);

      // A wrong password gets the one message for both fields; the right one brings the orders back.
      const loginForm = page.getByRole("form", { name: "Log in" });
      await loginForm.getByLabel("Email").fill(email);
      await loginForm.getByLabel("Password").fill("not my password");
      await loginForm.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("alert").filter({ hasText: "Invalid email or password." }).waitFor();
      await loginForm.getByLabel("Password").fill(STRONG_PASSWORD);
      await loginForm.getByRole("button", { name: "Log in" }).click();
      await page.getByTestId("who").filter({ hasText: "Hello, Margaret Shopper" }).waitFor();
      await page.getByTestId(`order-${orderId}`).waitFor();
      await screenshot(page, "web-5-logged-in-again");

    });

    assert.deepEqual(watched.foreignRequests, [], "only the app's and the API's origins are contacted");
    assert.deepEqual(watched.errors, [], "no console errors");
    await context.close();
  });

  it("tells a shopper locked out by the login limit how long to wait", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await scenario(page, "web-lockout", async () => {
      await page.goto(web.origin);
      const form = page.getByRole("form", { name: "Log in" });
      await form.getByLabel("Email").fill(uniqueEmail("forgetful"));
      for (let attempt = 1; attempt <= 3; attempt++) {
        await form.getByLabel("Password").fill(`wrong guess ${attempt}`);
        await form.getByRole("button", { name: "Log in" }).click();
        await page.getByRole("alert").filter({ hasText: "Invalid email or password." }).waitFor();
      }
      await form.getByLabel("Password").fill("wrong guess 4");
      await form.getByRole("button", { name: "Log in" }).click();
      await page.getByRole("alert").filter({ hasText: "Too many attempts. Please wait 15 minutes and try again." }).waitFor();
      await screenshot(page, "web-6-too-many-attempts");
    });
    await context.close();
  });

  it("is refused by the API from an origin that CORS_ORIGINS does not list", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // A data: URL page has the opaque origin "null", which no allowlist names.
    await page.goto("data:text/html,<title>elsewhere</title>");
    const outcome = await page.evaluate(async (url) => {
      try {
        await fetch(url, {
          method: "POST",
          credentials: "include",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query: "{ me { id } }" }),
        });
        return "answered";
      } catch {
        return "blocked";
      }
    }, server.url);
    assert.equal(outcome, "blocked");
    await context.close();
  });
});
