import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TestClient, codes } from "./helpers/client";
import { STRONG_PASSWORD, USER_FIELDS, login, me, registerUser, uniqueEmail } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

let server: TestServer;
before(async () => {
  server = await startTestServer("auth");
});
after(() => server?.close());

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`;
const sessionCookie = async (client: TestClient) =>
  (await client.cookies()).find((c) => c.key === server.config.session.cookieName);

describe("register", () => {
  it("creates a USER, logs in, and me answers with them", async () => {
    const client = server.client();
    const user = await registerUser(client, { name: "Ada Lovelace" });
    assert.equal(user.role, "USER");
    assert.equal(user.name, "Ada Lovelace");
    assert.match(user.id, /^\d+$/);
    assert.ok(!Number.isNaN(Date.parse((user as any).createdAt)));
    assert.deepEqual((await me(client))?.id, user.id);
  });

  it("stores the email lower-cased and refuses it again in any case (CONFLICT)", async () => {
    const email = uniqueEmail("Case");
    const first = await registerUser(server.client(), { email });
    assert.equal(first.email, email.toLowerCase());
    const res = await server.client().gql(REGISTER, { input: { email: email.toUpperCase(), name: "X", password: STRONG_PASSWORD } });
    assert.deepEqual(codes(res), ["CONFLICT"]);
  });

  it("stores only an argon2id hash at the OWASP parameters", async () => {
    const user = await registerUser(server.client());
    const [row] = await server.sql("SELECT password_hash FROM users WHERE id = ?", [user.id]);
    assert.match(row.password_hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!row.password_hash.includes(STRONG_PASSWORD));
  });

  it("exposes no password or hash field on User", async () => {
    const data = await server.client().ok(`{ __type(name: "User") { fields { name } } }`);
    const names = data.__type.fields.map((f: { name: string }) => f.name).sort();
    assert.deepEqual(names, ["createdAt", "email", "emailVerified", "id", "name", "role"]);
  });

  const weak: Array<[string, Record<string, string>, string]> = [
    ["a short password", { password: "Ab1!xyz" }, "password"],
    ["a password over 256 characters", { password: "x".repeat(200) + "Y1!".repeat(20) }, "password"],
    ["an all-digit password", { password: "9081726354" }, "password"],
    ["a common password", { password: "Password123" }, "password"],
    ["a password made of the email", { email: "marguerite@example.test", password: "marguerite2026" }, "password"],
    ["a password made of the name", { name: "Bartholomew Quince", password: "bartholomew!!" }, "password"],
    ["an invalid email", { email: "not-an-email" }, "email"],
    ["an empty name", { name: "   " }, "name"],
    ["a name over 100 characters", { name: "n".repeat(101) }, "name"],
  ];
  for (const [what, overrides, field] of weak) {
    it(`refuses ${what} with BAD_USER_INPUT on fields.${field}, creating nothing`, async () => {
      const input = { email: uniqueEmail(), name: "Someone Else", password: STRONG_PASSWORD, ...overrides };
      const client = server.client();
      const res = await client.gql(REGISTER, { input });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
      assert.equal(typeof res.errors![0].extensions!.fields[field], "string");
      assert.equal(await sessionCookie(client), undefined);
      const rows = await server.sql("SELECT id FROM users WHERE email = ?", [input.email.toLowerCase()]);
      assert.equal(rows.length, 0);
    });
  }
});

describe("login", () => {
  it("answers an unknown email and a wrong password with the same error", async () => {
    const user = await registerUser(server.client());
    const wrongPassword = await login(server.client(), user.email, "wrong password here");
    const unknownEmail = await login(server.client(), uniqueEmail("nobody"), "wrong password here");
    assert.deepEqual(codes(wrongPassword), ["BAD_USER_INPUT"]);
    assert.deepEqual(wrongPassword.errors, unknownEmail.errors);
    assert.equal(wrongPassword.data, unknownEmail.data);
  });

  it("accepts the email in any case", async () => {
    const user = await registerUser(server.client());
    const res = await login(server.client(), user.email.toUpperCase());
    assert.equal(res.data.login.id, user.id);
  });

  it("sets a browser-session cookie: HttpOnly, SameSite=Lax, Path=/, signed, no Expires", async () => {
    const user = await registerUser(server.client());
    const client = server.client();
    const res = await login(client, user.email);
    const header = res.headers.get("set-cookie") ?? "";
    assert.match(header, new RegExp(`^${server.config.session.cookieName}=s%3A`));
    assert.match(header, /HttpOnly/);
    assert.match(header, /SameSite=Lax/);
    assert.match(header, /Path=\//);
    assert.doesNotMatch(header, /Expires=|Max-Age=/i);
    assert.doesNotMatch(header, /Secure/); // only in production
  });

  it("with rememberMe sets a persistent cookie of 30 days", async () => {
    const user = await registerUser(server.client());
    const client = server.client();
    const res = await login(client, user.email, STRONG_PASSWORD, true);
    const expires = /Expires=([^;]+)/.exec(res.headers.get("set-cookie") ?? "")?.[1];
    assert.ok(expires, "an Expires attribute");
    const days = (Date.parse(expires) - Date.now()) / 86_400_000;
    assert.ok(days > 29.9 && days <= 30, `expires in ${days} days`);
  });

  it("issues a new session id, so the cookie from before login is dead (no fixation)", async () => {
    const user = await registerUser(server.client());
    const client = server.client();
    await login(client, user.email);
    const before = await client.cookieHeader();
    await login(client, user.email);
    assert.notEqual(await client.cookieHeader(), before);
    assert.equal((await me(client))?.id, user.id);
    const replay = server.client({ cookie: before });
    assert.equal(await me(replay), null);
  });

  it("never creates a session for an anonymous read", async () => {
    const client = server.client();
    const res = await client.gql("{ me { id } }");
    assert.equal(res.data.me, null);
    assert.equal(res.headers.get("set-cookie"), null);
  });
});

describe("logout", () => {
  it("ends the session on the server and clears the cookie; replaying the old cookie is anonymous", async () => {
    const client = server.client();
    await registerUser(client);
    const cookie = await client.cookieHeader();
    const res = await client.gql("mutation { logout }");
    assert.equal(res.data.logout, true);
    assert.match(res.headers.get("set-cookie") ?? "", /Expires=Thu, 01 Jan 1970/);
    assert.equal(await me(client), null);
    const replay = server.client({ cookie });
    assert.equal(await me(replay), null);
    assert.equal((await replay.gql("mutation { logout }")).data.logout, false);
  });

  it("returns false without a session", async () => {
    const res = await server.client().gql("mutation { logout }");
    assert.equal(res.data.logout, false);
  });
});

describe("changePassword", () => {
  const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;

  it("needs a login", async () => {
    const res = await server.client().gql(CHANGE, { c: STRONG_PASSWORD, n: "another fine passphrase" });
    assert.deepEqual(codes(res), ["UNAUTHENTICATED"]);
  });

  it("refuses a wrong current password and a weak new one, changing nothing", async () => {
    const client = server.client();
    const user = await registerUser(client);
    const wrong = await client.gql(CHANGE, { c: "not my password", n: "another fine passphrase" });
    assert.deepEqual(codes(wrong), ["BAD_USER_INPUT"]);
    assert.ok(wrong.errors![0].extensions!.fields.currentPassword);
    const weak = await client.gql(CHANGE, { c: STRONG_PASSWORD, n: "12345678901" });
    assert.deepEqual(codes(weak), ["BAD_USER_INPUT"]);
    assert.ok(weak.errors![0].extensions!.fields.newPassword);
    assert.equal((await login(server.client(), user.email)).data.login.id, user.id);
  });

  it("refuses the current password as the new one (BAD_USER_INPUT fields.newPassword), keeping the other sessions", async () => {
    const client = server.client();
    const user = await registerUser(client);
    const other = server.client();
    await login(other, user.email);
    const same = await client.gql(CHANGE, { c: STRONG_PASSWORD, n: STRONG_PASSWORD });
    assert.deepEqual(codes(same), ["BAD_USER_INPUT"]);
    assert.match(same.errors![0].extensions!.fields.newPassword, /differ/);
    assert.equal((await other.ok("{ me { id } }")).me.id, user.id);
  });

  it("ends every other session, renews this one's id, and only the new password works", async () => {
    const a = server.client();
    const user = await registerUser(a);
    const b = server.client();
    await login(b, user.email);
    const aBefore = await a.cookieHeader();
    const res = await a.gql(CHANGE, { c: STRONG_PASSWORD, n: "another fine passphrase" });
    assert.equal(res.data.changePassword, true);
    assert.equal((await me(a))?.id, user.id);
    assert.notEqual(await a.cookieHeader(), aBefore);
    assert.equal(await me(server.client({ cookie: aBefore })), null);
    assert.equal(await me(b), null);
    assert.deepEqual(codes(await login(server.client(), user.email)), ["BAD_USER_INPUT"]);
    assert.equal((await login(server.client(), user.email, "another fine passphrase")).data.login.id, user.id);
  });
});

describe("sessions", () => {
  const SESSIONS = "{ sessions { id createdAt lastSeenAt userAgent current } }";

  it("lists the user's live sessions, marking the current one, without the cookie's id", async () => {
    const a = server.client({ "user-agent": "browser-a" });
    const user = await registerUser(a);
    const b = server.client({ "user-agent": "browser-b" });
    await login(b, user.email);
    const { sessions } = await a.ok(SESSIONS);
    assert.equal(sessions.length, 2);
    const current = sessions.find((s: any) => s.current);
    assert.equal(current.userAgent, "browser-a");
    assert.equal(sessions.find((s: any) => !s.current).userAgent, "browser-b");
    const cookie = decodeURIComponent((await a.cookieHeader()).split("=")[1]);
    for (const s of sessions) assert.ok(!cookie.includes(s.id));
  });

  it("revokeSession ends another session at once; its owner is then UNAUTHENTICATED", async () => {
    const a = server.client();
    const user = await registerUser(a);
    const b = server.client();
    await login(b, user.email);
    const { sessions } = await a.ok(SESSIONS);
    const other = sessions.find((s: any) => !s.current);
    assert.equal((await a.ok(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: other.id })).revokeSession, true);
    assert.deepEqual(codes(await b.gql(SESSIONS)), ["UNAUTHENTICATED"]);
    assert.equal((await a.ok(SESSIONS)).sessions.length, 1);
  });

  it("revokeSession of an id that is not one of the caller's sessions is NOT_FOUND", async () => {
    const victim = server.client();
    const victimUser = await registerUser(victim);
    void victimUser;
    const { sessions } = await victim.ok(SESSIONS);
    const attacker = server.client();
    await registerUser(attacker);
    for (const id of [sessions[0].id, "no-such-session"]) {
      const res = await attacker.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id });
      assert.deepEqual(codes(res), ["NOT_FOUND"]);
    }
    assert.notEqual(await me(victim), null);
  });

  it("logoutOtherSessions ends the others and says how many", async () => {
    const a = server.client();
    const user = await registerUser(a);
    const others = [server.client(), server.client(), server.client()];
    for (const c of others) await login(c, user.email);
    assert.equal((await a.ok("mutation { logoutOtherSessions }")).logoutOtherSessions, 3);
    for (const c of others) assert.equal(await me(c), null);
    assert.notEqual(await me(a), null);
    assert.equal((await a.ok("mutation { logoutOtherSessions }")).logoutOtherSessions, 0);
  });

  it("all need a login", async () => {
    const anonymous = server.client();
    for (const op of [SESSIONS, "mutation { logoutOtherSessions }", `mutation { revokeSession(id: "x") }`]) {
      assert.deepEqual(codes(await anonymous.gql(op)), ["UNAUTHENTICATED"], op);
    }
  });
});

describe("session store", () => {
  it("keeps sessions in Redis under the configured prefix with the idle timeout as TTL", async () => {
    const client = server.client();
    await registerUser(client);
    const redis = server.services.sessions.redis!;
    const keys = await redis.keys(`${server.config.redis!.keyPrefix}sess:*`);
    assert.ok(keys.length > 0);
    const ttl = await redis.ttl(keys[0]);
    assert.ok(ttl > 0 && ttl <= server.config.session.idleTimeoutS, `ttl ${ttl}`);
  });
});
