import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes, type TestClient } from "./helpers/client";
import { TestClock } from "./helpers/clock";
import { STRONG_PASSWORD, USER_FIELDS, createAdmin, login, signUp, type SignedIn } from "./helpers/factories";
import { freshDependencies, startEmbeddedServer, startTestServer, startTestServerOn, TEST_TWO_FACTOR_KEY, type TestServer } from "./helpers/server";
import { ADD_TO_CART, CART, CREATE_PRODUCT, uniqueSku } from "./helpers/shop";
import {
  BEGIN_SETUP,
  COMPLETE_LOGIN,
  CONFIRM_SETUP,
  DISABLE,
  REGENERATE,
  SECURITY_EVENTS,
  codeAt,
  enableTwoFactor,
  errorFields,
  waitForFreshStep,
  type TwoFactorOn,
} from "./helpers/two-factor";

let deps: { databaseUrl: string; redisPrefix: string };
let server: TestServer;
let second: TestServer; // another instance on the same MySQL and Redis
before(async () => {
  deps = await freshDependencies("two_factor");
  [server, second] = await Promise.all([startTestServerOn(deps), startTestServerOn(deps)]);
});
after(() => Promise.all([server?.close(), second?.close()]));

const ME = `{ me { ${USER_FIELDS} twoFactorEnabled } }`;
const sessionCookie = async (client: TestClient) =>
  (await client.cookies()).find((c) => c.key === server.config.session.cookieName);
const eventTypes = async (client: TestClient) =>
  (await client.ok(SECURITY_EVENTS, { first: 100 })).securityEvents.edges.map((e: any) => e.node.type);

/** A USER with two-factor on, and a client of theirs that is logged out again. */
async function twoFactorUser(on: TestServer = server): Promise<SignedIn & TwoFactorOn> {
  const signed = await signUp(on);
  const setup = await enableTwoFactor(signed.client, STRONG_PASSWORD);
  await signed.client.ok(`mutation { logout }`);
  return { ...signed, ...setup };
}

describe("setting two-factor up", () => {
  it("needs the current password, stays off until a correct TOTP code, then is on", async () => {
    const { client } = await signUp(server);
    const wrong = await client.gql(BEGIN_SETUP, { p: "not my password at all" });
    assert.deepEqual(codes(wrong), ["BAD_USER_INPUT"]);
    assert.deepEqual(errorFields(wrong), ["currentPassword"]);

    await waitForFreshStep();
    const setup = (await client.ok(BEGIN_SETUP, { p: STRONG_PASSWORD })).beginTwoFactorSetup;
    assert.match(setup.secret, /^[A-Z2-7]{32}$/);
    assert.ok(setup.otpauthUrl.startsWith("otpauth://totp/sessiongraph:"));
    assert.equal(new URL(setup.otpauthUrl).searchParams.get("secret"), setup.secret);
    assert.equal(setup.recoveryCodes.length, 10);
    assert.equal((await client.ok(ME)).me.twoFactorEnabled, false);

    for (const code of ["000000", setup.recoveryCodes[0], codeAt(setup.secret, -3), "abc"]) {
      const res = await client.gql(CONFIRM_SETUP, { code });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"], code);
      assert.deepEqual(errorFields(res), ["code"]);
    }
    assert.equal((await client.ok(ME)).me.twoFactorEnabled, false);

    assert.equal((await client.ok(CONFIRM_SETUP, { code: codeAt(setup.secret, -1) })).confirmTwoFactorSetup, true);
    assert.equal((await client.ok(ME)).me.twoFactorEnabled, true);
    assert.deepEqual(codes(await client.gql(BEGIN_SETUP, { p: STRONG_PASSWORD })), ["CONFLICT"]);
    assert.deepEqual(codes(await client.gql(CONFIRM_SETUP, { code: codeAt(setup.secret, 0) })), ["CONFLICT"]);
  });

  it("begun again, replaces the secret and the codes of the first attempt", async () => {
    const { client } = await signUp(server);
    const first = (await client.ok(BEGIN_SETUP, { p: STRONG_PASSWORD })).beginTwoFactorSetup;
    await waitForFreshStep();
    const again = (await client.ok(BEGIN_SETUP, { p: STRONG_PASSWORD })).beginTwoFactorSetup;
    assert.notEqual(again.secret, first.secret);
    assert.deepEqual(codes(await client.gql(CONFIRM_SETUP, { code: codeAt(first.secret, 0) })), ["BAD_USER_INPUT"]);
    assert.equal((await client.ok(CONFIRM_SETUP, { code: codeAt(again.secret, 0) })).confirmTwoFactorSetup, true);
  });
});

describe("logging in with two-factor on", () => {
  it("answers SECOND_FACTOR_REQUIRED with a new session that is not logged in, and completeLogin logs in under another", async () => {
    const user = await twoFactorUser();
    const client = user.client;
    const before = (await sessionCookie(client))?.value;

    const res = await login(client, user.user.email);
    assert.deepEqual(codes(res), ["SECOND_FACTOR_REQUIRED"]);
    assert.equal(res.data?.login ?? null, null);
    const pending = (await sessionCookie(client))?.value;
    assert.ok(pending && pending !== before, "a new session id for the pending login");
    assert.equal((await client.ok(ME)).me, null);
    assert.deepEqual(codes(await client.gql(`{ sessions { id } }`)), ["UNAUTHENTICATED"]);

    const done = await client.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) });
    assert.equal(done.completeLogin.id, user.user.id);
    assert.equal(done.completeLogin.twoFactorEnabled, true);
    const loggedIn = (await sessionCookie(client))?.value;
    assert.ok(loggedIn && loggedIn !== pending, "another new session id at completeLogin");
    assert.equal((await client.ok(ME)).me.id, user.user.id);

    // The pending session's cookie is worth nothing now.
    const replay = server.client({ cookie: `${server.config.session.cookieName}=${pending}` });
    assert.equal((await replay.ok(ME)).me, null);
    assert.deepEqual(codes(await replay.gql(COMPLETE_LOGIN, { code: codeAt(user.secret, 1) })), ["UNAUTHENTICATED"]);
  });

  it("accepts each TOTP code once, on any instance: a replay is refused", async () => {
    const user = await twoFactorUser();
    assert.deepEqual(codes(await login(user.client, user.user.email)), ["SECOND_FACTOR_REQUIRED"]);
    const code = codeAt(user.secret, 0);
    await user.client.ok(COMPLETE_LOGIN, { code });

    const elsewhere = second.client();
    assert.deepEqual(codes(await login(elsewhere, user.user.email)), ["SECOND_FACTOR_REQUIRED"]);
    const replay = await elsewhere.gql(COMPLETE_LOGIN, { code });
    assert.deepEqual(codes(replay), ["BAD_USER_INPUT"]);
    assert.deepEqual(errorFields(replay), ["code"]);
    // An older step than one already used is refused too; the next one is accepted.
    assert.deepEqual(codes(await elsewhere.gql(COMPLETE_LOGIN, { code: codeAt(user.secret, -1) })), ["BAD_USER_INPUT"]);
    assert.equal((await elsewhere.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 1) })).completeLogin.id, user.user.id);
  });

  it("of many requests racing with the same code on two instances, exactly one logs in", async () => {
    const user = await twoFactorUser();
    // Four logins and four codes: within the account's ten failures per window.
    const clients = [server.client(), second.client(), server.client(), second.client()];
    for (const client of clients) assert.deepEqual(codes(await login(client, user.user.email)), ["SECOND_FACTOR_REQUIRED"]);
    const code = codeAt(user.secret, 0);
    const results = await Promise.all(clients.map((client) => client.gql(COMPLETE_LOGIN, { code })));
    assert.equal(results.filter((r) => !r.errors).length, 1, JSON.stringify(results.map((r) => r.errors)));
    assert.equal(results.filter((r) => codes(r)[0] === "BAD_USER_INPUT").length, clients.length - 1, JSON.stringify(results.map((r) => r.errors)));
  });

  it("accepts a recovery code once, in any case and without dashes, and logs RECOVERY_CODE_USED", async () => {
    const user = await twoFactorUser();
    await login(user.client, user.user.email);
    const typed = user.recoveryCodes[3].replaceAll("-", "").toUpperCase();
    assert.equal((await user.client.ok(COMPLETE_LOGIN, { code: typed })).completeLogin.id, user.user.id);
    assert.deepEqual((await eventTypes(user.client)).slice(0, 2), ["LOGIN_SUCCEEDED", "RECOVERY_CODE_USED"]);

    const other = server.client();
    await login(other, user.user.email);
    assert.deepEqual(codes(await other.gql(COMPLETE_LOGIN, { code: user.recoveryCodes[3] })), ["BAD_USER_INPUT"]);
    assert.equal((await other.ok(COMPLETE_LOGIN, { code: user.recoveryCodes[4] })).completeLogin.id, user.user.id);
  });

  it("ends the pending login after 5 wrong codes: then UNAUTHENTICATED, even for the right code", async () => {
    const user = await twoFactorUser();
    await login(user.client, user.user.email);
    for (let i = 0; i < 5; i++) {
      const res = await user.client.gql(COMPLETE_LOGIN, { code: String(100000 + i) });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"], `wrong code ${i + 1}`);
      assert.deepEqual(errorFields(res), ["code"]);
    }
    assert.deepEqual(codes(await user.client.gql(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) })), ["UNAUTHENTICATED"]);
    assert.equal((await user.client.ok(ME)).me, null);
    // Logging in again starts a new pending login with its own five tries.
    await login(user.client, user.user.email);
    assert.equal((await user.client.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) })).completeLogin.id, user.user.id);
  });

  it("checks at most 5 codes of one pending login, however many race", async () => {
    const user = await twoFactorUser();
    await login(user.client, user.user.email);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => user.client.gql(COMPLETE_LOGIN, { code: String(200000 + i) })));
    const outcome = results.map((r) => codes(r)[0]).sort();
    assert.deepEqual(outcome, [...Array(5).fill("BAD_USER_INPUT"), ...Array(3).fill("UNAUTHENTICATED")]);
  });

  it("answers UNAUTHENTICATED to completeLogin without a pending login", async () => {
    assert.deepEqual(codes(await server.client().gql(COMPLETE_LOGIN, { code: "123456" })), ["UNAUTHENTICATED"]);
    const { client } = await signUp(server); // logged in, but nothing pending
    assert.deepEqual(codes(await client.gql(COMPLETE_LOGIN, { code: "123456" })), ["UNAUTHENTICATED"]);
  });

  it("merges the anonymous cart at completeLogin and remembers the session as login asked", async () => {
    const admin = await createAdmin(server);
    const product = (await admin.client.ok(CREATE_PRODUCT, { input: { sku: uniqueSku("TFA"), name: "Key fob", priceCents: 900, stock: 10 } }))
      .createProduct;
    const user = await twoFactorUser();
    const guest = server.client();
    await guest.ok(ADD_TO_CART, { productId: product.id, quantity: 2 });

    const res = await guest.gql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p, rememberMe: true) { id } }`, {
      e: user.user.email,
      p: STRONG_PASSWORD,
    });
    assert.deepEqual(codes(res), ["SECOND_FACTOR_REQUIRED"]);
    assert.equal((await guest.ok(CART)).cart.itemCount, 2, "the guest cart is still theirs while the login waits");
    assert.equal((await sessionCookie(guest))?.expires, "Infinity", "no persistent cookie before the login is complete");

    await guest.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) });
    assert.equal((await guest.ok(CART)).cart.itemCount, 2);
    const expires = (await sessionCookie(guest))?.expires;
    assert.ok(expires instanceof Date && expires.getTime() - Date.now() > 29 * 86_400_000, "remembered as asked at login");
    // The cart is the user's now: another device of theirs sees it.
    const phone = server.client();
    await login(phone, user.user.email);
    await phone.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 1) });
    assert.equal((await phone.ok(CART)).cart.itemCount, 2);
    assert.equal((await sessionCookie(phone))?.expires, "Infinity");
  });
});

describe("turning two-factor off and new recovery codes", () => {
  it("disableTwoFactor needs the password and a code; then the secret and codes are gone and login asks no more", async () => {
    const user = await twoFactorUser();
    await login(user.client, user.user.email);
    await user.client.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) });

    const wrongPassword = await user.client.gql(DISABLE, { p: "wrong password here", code: codeAt(user.secret, 1) });
    assert.deepEqual(errorFields(wrongPassword), ["currentPassword"]);
    const wrongCode = await user.client.gql(DISABLE, { p: STRONG_PASSWORD, code: "000000" });
    assert.deepEqual(codes(wrongCode), ["BAD_USER_INPUT"]);
    assert.deepEqual(errorFields(wrongCode), ["code"]);
    assert.equal((await user.client.ok(ME)).me.twoFactorEnabled, true);

    assert.equal((await user.client.ok(DISABLE, { p: STRONG_PASSWORD, code: user.recoveryCodes[0] })).disableTwoFactor, true);
    assert.equal((await user.client.ok(ME)).me.twoFactorEnabled, false);
    assert.deepEqual((await eventTypes(user.client)).slice(0, 2), ["TWO_FACTOR_DISABLED", "RECOVERY_CODE_USED"]);
    const [row] = await server.sql("SELECT two_factor_enabled, two_factor_secret, two_factor_last_step FROM users WHERE id = ?", [user.user.id]);
    assert.deepEqual({ ...row }, { two_factor_enabled: 0, two_factor_secret: null, two_factor_last_step: null });
    assert.deepEqual(await server.sql("SELECT id FROM recovery_codes WHERE user_id = ?", [user.user.id]), []);
    assert.deepEqual(codes(await user.client.gql(DISABLE, { p: STRONG_PASSWORD, code: "123456" })), ["CONFLICT"]);

    const fresh = server.client();
    assert.equal((await login(fresh, user.user.email)).data.login.id, user.user.id);
  });

  it("regenerateRecoveryCodes gives ten new codes, shown once; the old ones stop working", async () => {
    const user = await twoFactorUser();
    await login(user.client, user.user.email);
    await user.client.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) });
    assert.deepEqual(codes(await user.client.gql(REGENERATE, { p: STRONG_PASSWORD, code: "999999" })), ["BAD_USER_INPUT"]);
    const fresh: string[] = (await user.client.ok(REGENERATE, { p: STRONG_PASSWORD, code: codeAt(user.secret, 1) })).regenerateRecoveryCodes;
    assert.equal(fresh.length, 10);
    assert.equal(fresh.filter((code) => user.recoveryCodes.includes(code)).length, 0);

    const other = server.client();
    await login(other, user.user.email);
    assert.deepEqual(codes(await other.gql(COMPLETE_LOGIN, { code: user.recoveryCodes[1] })), ["BAD_USER_INPUT"]);
    assert.equal((await other.ok(COMPLETE_LOGIN, { code: fresh[1] })).completeLogin.id, user.user.id);
    // Regenerating with a recovery code uses that code up, and says so.
    await other.ok(REGENERATE, { p: STRONG_PASSWORD, code: fresh[2] });
    assert.deepEqual((await eventTypes(other)).slice(0, 2), ["RECOVERY_CODES_REGENERATED", "RECOVERY_CODE_USED"]);
  });

  it("a password change keeps two-factor on", async () => {
    const user = await twoFactorUser();
    await login(user.client, user.user.email);
    await user.client.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) });
    await user.client.ok(`mutation { changePassword(currentPassword: "${STRONG_PASSWORD}", newPassword: "another fine passphrase") }`);
    assert.equal((await user.client.ok(ME)).me.twoFactorEnabled, true);
    assert.deepEqual(codes(await login(server.client(), user.user.email, "another fine passphrase")), ["SECOND_FACTOR_REQUIRED"]);
  });

  it("an ADMIN can neither change nor turn off another user's two-factor", async () => {
    const user = await twoFactorUser();
    const admin = await createAdmin(server);
    const updated = await admin.client.ok(`mutation($id: ID!) { updateUser(id: $id, input: { name: "Renamed" }) { name twoFactorEnabled } }`, {
      id: user.user.id,
    });
    assert.deepEqual(updated.updateUser, { name: "Renamed", twoFactorEnabled: true });
    const attempt = await admin.client.gql(`mutation($id: ID!) { updateUser(id: $id, input: { twoFactorEnabled: false }) { id } }`, { id: user.user.id });
    assert.deepEqual(codes(attempt), ["GRAPHQL_VALIDATION_FAILED"]);
    // The 2FA mutations act on the caller only: the admin's own 2FA is off.
    assert.deepEqual(codes(await admin.client.gql(DISABLE, { p: STRONG_PASSWORD, code: codeAt(user.secret, 0) })), ["CONFLICT"]);
    assert.deepEqual(codes(await login(server.client(), user.user.email)), ["SECOND_FACTOR_REQUIRED"]);
  });
});

describe("limits of the second step", () => {
  let limited: TestServer;
  let shortPending: TestServer;
  const pendingClock = new TestClock(); // a pending login is timed by the session clock
  before(async () => {
    [limited, shortPending] = await Promise.all([
      startTestServer("two_factor_limits", { LOGIN_MAX_FAILURES_PER_ACCOUNT: "10" }),
      startTestServer("two_factor_expiry", { TWO_FACTOR_PENDING_LOGIN_S: "1" }, { clock: pendingClock.now }),
    ]);
  });
  after(() => Promise.all([limited?.close(), shortPending?.close()]));

  it("wrong codes count against the account's failed-login limit, and the lockout is logged once", async () => {
    const user = await twoFactorUser(limited);
    const client = limited.client();
    // 1 password + 5 codes, 1 password + 3 codes: ten failures of the account in its window.
    await login(client, user.user.email);
    for (let i = 0; i < 5; i++) assert.deepEqual(codes(await client.gql(COMPLETE_LOGIN, { code: String(300000 + i) })), ["BAD_USER_INPUT"]);
    await login(client, user.user.email);
    for (let i = 0; i < 3; i++) assert.deepEqual(codes(await client.gql(COMPLETE_LOGIN, { code: String(310000 + i) })), ["BAD_USER_INPUT"]);
    const throttled = await client.gql(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) });
    assert.deepEqual(codes(throttled), ["TOO_MANY_REQUESTS"]);
    assert.deepEqual(codes(await login(limited.client(), user.user.email)), ["TOO_MANY_REQUESTS"]);
    const rows = await limited.sql("SELECT type FROM security_events WHERE user_id = ? AND type IN ('LOGIN_FAILED', 'LOGIN_THROTTLED')", [user.user.id]);
    const count = (type: string) => rows.filter((r: any) => r.type === type).length;
    assert.equal(count("LOGIN_FAILED"), 8);
    assert.equal(count("LOGIN_THROTTLED"), 1);
  });

  it("a pending login expires (TWO_FACTOR_PENDING_LOGIN_S): then completeLogin is UNAUTHENTICATED", async () => {
    const user = await twoFactorUser(shortPending);
    await login(user.client, user.user.email);
    pendingClock.advance(1200);
    assert.deepEqual(codes(await user.client.gql(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) })), ["UNAUTHENTICATED"]);
    assert.equal((await user.client.ok(ME)).me, null);
  });
});

describe("key rotation", () => {
  it("reads secrets sealed under an old key and moves them to the new first key at their next use", async () => {
    const user = await twoFactorUser();
    const newKey = Buffer.alloc(32, 9).toString("base64");
    const rotated = await startTestServerOn(deps, { TWO_FACTOR_KEY: `${newKey},${TEST_TWO_FACTOR_KEY}` });
    try {
      const [before] = await server.sql("SELECT two_factor_secret FROM users WHERE id = ?", [user.user.id]);
      const client = rotated.client();
      await login(client, user.user.email);
      await client.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 0) });
      const [after] = await server.sql("SELECT two_factor_secret FROM users WHERE id = ?", [user.user.id]);
      assert.notEqual(after.two_factor_secret.split(".")[1], before.two_factor_secret.split(".")[1]);
      // An instance with only the new key reads it now.
      const onlyNew = await startTestServerOn(deps, { TWO_FACTOR_KEY: newKey });
      try {
        const phone = onlyNew.client();
        await login(phone, user.user.email);
        assert.equal((await phone.ok(COMPLETE_LOGIN, { code: codeAt(user.secret, 1) })).completeLogin.id, user.user.id);
      } finally {
        await onlyNew.close();
      }
    } finally {
      await rotated.close();
    }
  });
});

describe("on the embedded defaults (SQLite, in-process sessions)", () => {
  it("sets two-factor up, logs in with both steps, refuses a replay and keeps the security log", async () => {
    const embedded = await startEmbeddedServer({ TWO_FACTOR_KEY: TEST_TWO_FACTOR_KEY });
    try {
      const user = await twoFactorUser(embedded);
      const client = embedded.client();
      assert.deepEqual(codes(await login(client, user.user.email)), ["SECOND_FACTOR_REQUIRED"]);
      const code = codeAt(user.secret, 0);
      assert.equal((await client.ok(COMPLETE_LOGIN, { code })).completeLogin.id, user.user.id);
      const again = embedded.client();
      await login(again, user.user.email);
      assert.deepEqual(codes(await again.gql(COMPLETE_LOGIN, { code })), ["BAD_USER_INPUT"]);
      assert.equal((await again.ok(COMPLETE_LOGIN, { code: user.recoveryCodes[0] })).completeLogin.id, user.user.id);
      const types = (await again.ok(SECURITY_EVENTS, {})).securityEvents.edges.map((e: any) => e.node.type);
      assert.deepEqual(types, [
        "LOGIN_SUCCEEDED", "RECOVERY_CODE_USED", "LOGIN_FAILED", "LOGIN_SUCCEEDED", "LOGOUT", "TWO_FACTOR_ENABLED", "USER_CREATED",
      ]);
      await again.ok(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: user.user.id });
    } finally {
      await embedded.close();
    }
  });
});
