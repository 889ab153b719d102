import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { login, registerUser } from "./helpers/factories";
import { PRODUCTION_MAIL_ENV, startTestServer, type TestServer } from "./helpers/server";

describe("health endpoints", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("http_health", { ADMIN_EMAIL: "boss@example.test", ADMIN_PASSWORD: "bootstrap admin passphrase" });
  });
  after(() => server?.close());
  const base = () => server.url.replace("/graphql", "");

  it("/healthz answers while the process is up", async () => {
    const res = await fetch(`${base()}/healthz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ok" });
  });

  it("/readyz answers 200 with MySQL and Redis up", async () => {
    const res = await fetch(`${base()}/readyz`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ready", dependencies: { mysql: "up", redis: "up" } });
  });

  it("creates the ADMIN_EMAIL administrator once, at start", async () => {
    const res = await login(server.client(), "boss@example.test", "bootstrap admin passphrase");
    assert.equal(res.data.login.role, "ADMIN");
    const rows = await server.sql("SELECT role FROM users WHERE email = 'boss@example.test'");
    assert.deepEqual(rows, [{ role: "ADMIN" }]);
  });

  it("refuses batched requests", async () => {
    const res = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([{ query: "{ me { id } }" }, { query: "{ me { id } }" }]),
    });
    assert.equal(res.status, 400);
  });
});

describe("session cookie in production behind a TLS proxy", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("http_production", { NODE_ENV: "production", ...PRODUCTION_MAIL_ENV, TRUST_PROXY: "loopback" });
  });
  after(() => server?.close());

  it("is Secure, HttpOnly, SameSite=Lax when the proxy says https", async () => {
    const client = server.client({ "x-forwarded-proto": "https" });
    const user = await registerUser(client);
    const res = await login(server.client({ "x-forwarded-proto": "https" }), user.email);
    const header = res.headers.get("set-cookie") ?? "";
    for (const attr of [/; Secure/, /; HttpOnly/, /; SameSite=Lax/, /; Path=\//]) assert.match(header, attr);
  });
});
