import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { STRONG_PASSWORD, login, me, registerUser } from "./helpers/factories";
import { startEmbeddedServer, type TestServer } from "./helpers/server";

// The defaults a newcomer gets with no configuration: a SQLite file and the in-process session store.
describe("embedded defaults (SQLite + in-process sessions)", () => {
  let server: TestServer;
  before(async () => {
    server = await startEmbeddedServer({ ADMIN_EMAIL: "root@example.test", ADMIN_PASSWORD: "embedded admin passphrase" });
  });
  after(() => server?.close());

  it("runs on SQLite and the memory store", () => {
    assert.equal(server.config.database.kind, "sqlite");
    assert.equal(server.config.redis, null);
  });

  it("registers, answers me, and refuses the email again in another case", async () => {
    const client = server.client();
    const user = await registerUser(client, { email: "Embedded.User@Example.test" });
    assert.equal(user.email, "embedded.user@example.test");
    assert.equal((await me(client))?.id, user.id);
    const again = await server.client().gql(`mutation($i: RegisterInput!) { register(input: $i) { id } }`, {
      i: { email: "EMBEDDED.USER@example.test", name: "Other", password: STRONG_PASSWORD },
    });
    assert.deepEqual(codes(again), ["CONFLICT"]);
  });

  it("logs in with a new session id, logs out, and a replayed cookie is anonymous", async () => {
    const first = server.client();
    const user = await registerUser(first);
    const client = server.client();
    await login(client, user.email);
    const cookie = await client.cookieHeader();
    assert.equal((await client.ok("mutation { logout }")).logout, true);
    assert.equal(await me(server.client({ cookie })), null);
  });

  it("answers a wrong password and an unknown email alike", async () => {
    const user = await registerUser(server.client());
    const wrong = await login(server.client(), user.email, "not the password");
    const unknown = await login(server.client(), "nobody@example.test", "not the password");
    assert.deepEqual(codes(wrong), ["BAD_USER_INPUT"]);
    assert.deepEqual(wrong.errors, unknown.errors);
  });

  it("lists and ends other sessions; changePassword ends them too", async () => {
    const a = server.client();
    const user = await registerUser(a);
    const b = server.client();
    await login(b, user.email);
    assert.equal((await a.ok("{ sessions { id current } }")).sessions.length, 2);
    assert.equal((await a.ok("mutation { logoutOtherSessions }")).logoutOtherSessions, 1);
    assert.equal(await me(b), null);
    await login(b, user.email);
    await a.ok(`mutation { changePassword(currentPassword: "${STRONG_PASSWORD}", newPassword: "a whole new passphrase") }`);
    assert.equal(await me(b), null);
    assert.equal((await me(a))?.id, user.id);
  });

  it("created the ADMIN_EMAIL administrator at start", async () => {
    const res = await login(server.client(), "root@example.test", "embedded admin passphrase");
    assert.equal(res.data.login.role, "ADMIN");
  });

  it("reports ready with its embedded dependencies", async () => {
    const res = await fetch(server.url.replace("/graphql", "/readyz"));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: "ready", dependencies: { sqlite: "up", memory: "up" } });
  });
});
