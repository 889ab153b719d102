import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { loadConfig } from "../src/config";
import { PRODUCTION_MAIL_ENV, startEmbeddedServer, type TestServer } from "./helpers/server";

// What a browser's address bar sends, and what GraphQL clients send.
const BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
const get = (url: string, accept?: string) => fetch(url, { headers: accept ? { accept } : {} });

describe("playground configuration", () => {
  it("is on by default in development and test, off in production", () => {
    assert.equal(loadConfig({ NODE_ENV: "development" }).playground, true);
    assert.equal(loadConfig({ NODE_ENV: "test" }).playground, true);
    const production = loadConfig({
      NODE_ENV: "production",
      ...PRODUCTION_MAIL_ENV,
      DATABASE_URL: "mysql://u:p@127.0.0.1:3306/db",
      REDIS_URL: "redis://127.0.0.1:6379/0",
      SESSION_SECRET: "x".repeat(32),
      TWO_FACTOR_KEY: Buffer.alloc(32, 1).toString("base64"),
    });
    assert.equal(production.playground, false);
  });
});

describe("GET /graphql with the playground on", () => {
  let server: TestServer;
  const appOrigin = "http://127.0.0.1:5173";
  before(async () => {
    server = await startEmbeddedServer({ CORS_ORIGINS: appOrigin });
  });
  after(() => server?.close());

  it("answers a browser with the GraphiQL page, loading only same-origin files", async () => {
    const res = await get(server.url, BROWSER_ACCEPT);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(res.headers.get("vary") ?? "", /\bAccept\b/);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.ok(scripts.length > 0, "the page has a script");
    for (const [, attrs, body] of scripts) {
      assert.match(attrs, /src="\/playground\/assets\/[\w.-]+\.js"/, "scripts are same-origin files");
      assert.equal(body.trim(), "", "no inline script");
    }
    assert.doesNotMatch(html, /https?:\/\//, "nothing from another host");
  });

  it("is served under the API's strict Content-Security-Policy (the browser test shows the page runs under it)", async () => {
    const csp = (await get(server.url, BROWSER_ACCEPT)).headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /connect-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-eval/);
  });

  it("serves the bundle's files with long-lived caching, and 404 for unknown ones", async () => {
    const html = await (await get(server.url, BROWSER_ACCEPT)).text();
    const script = /src="(\/playground\/assets\/[^"]+)"/.exec(html)![1];
    const res = await get(new URL(script, server.url).href);
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /javascript/);
    assert.match(res.headers.get("cache-control") ?? "", /immutable/);
    assert.equal((await get(new URL("/playground/assets/nope.js", server.url).href)).status, 404);
  });

  it("still answers a GET query with ?query= as GraphQL, even from a browser", async () => {
    const url = `${server.url}?query=${encodeURIComponent("{ me { id } }")}`;
    const res = await fetch(url, { headers: { accept: "application/json", "apollo-require-preflight": "true" } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { me: null } });
  });

  it("leaves a GET that prefers JSON to the API", async () => {
    const res = await get(server.url, "application/json");
    assert.match(res.headers.get("content-type") ?? "", /application\/json/);
    assert.notEqual(res.status, 200);
  });

  it("leaves the CORS preflight of a cross-origin app to the API", async () => {
    const res = await fetch(server.url, {
      method: "OPTIONS",
      headers: { origin: appOrigin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get("access-control-allow-origin"), appOrigin);
    assert.equal(res.headers.get("access-control-allow-credentials"), "true");
  });

  it("leaves POST to the API", async () => {
    const data = await server.client().ok("{ __typename }");
    assert.deepEqual(data, { __typename: "Query" });
  });
});

describe("GET /graphql with PLAYGROUND=false", () => {
  let server: TestServer;
  before(async () => {
    server = await startEmbeddedServer({ PLAYGROUND: "false" });
  });
  after(() => server?.close());

  it("serves no page and no bundle", async () => {
    const page = await get(server.url, BROWSER_ACCEPT);
    assert.doesNotMatch(page.headers.get("content-type") ?? "", /text\/html/);
    assert.equal((await get(new URL("/playground/", server.url).href)).status, 404);
  });
});
