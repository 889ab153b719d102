import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { after, before, describe, it } from "node:test";
import { login, me, registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

describe("idle timeout", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("expiry_idle", { SESSION_IDLE_TIMEOUT_S: "2", SESSION_ABSOLUTE_TIMEOUT_S: "60" });
  });
  after(() => server?.close());

  it("keeps a session that is used more often than the idle timeout", async () => {
    const client = server.client();
    const user = await registerUser(client);
    for (let i = 0; i < 4; i++) {
      await sleep(800);
      assert.equal((await me(client))?.id, user.id, `request ${i}`);
    }
  });

  it("ends a session left idle for longer than the timeout, whatever the cookie says", async () => {
    const client = server.client();
    const user = await registerUser(client);
    await login(client, user.email, undefined, true); // a 30-day cookie does not outlive the server's rule
    await sleep(2300);
    assert.equal(await me(client), null);
  });
});

describe("absolute timeout", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("expiry_absolute", { SESSION_IDLE_TIMEOUT_S: "60", SESSION_ABSOLUTE_TIMEOUT_S: "3" });
  });
  after(() => server?.close());

  it("ends a session at its absolute lifetime even while it is in use", async () => {
    const client = server.client();
    const user = await registerUser(client);
    let lastSeen: string | null = user.id;
    const started = Date.now();
    while (Date.now() - started < 2500) {
      lastSeen = (await me(client))?.id ?? null;
      assert.equal(lastSeen, user.id);
      await sleep(500);
    }
    await sleep(3200 - (Date.now() - started));
    assert.equal(await me(client), null);
  });

  it("caps a rememberMe cookie at the absolute lifetime", async () => {
    const client = server.client();
    const user = await registerUser(client);
    const res = await login(client, user.email, undefined, true);
    const expires = /Expires=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
    assert.ok(expires);
    assert.ok(Date.parse(expires) - Date.now() <= 3000);
  });
});
