import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { SecurityEventType } from "../src/entities/security-event-type";
import { noticeFor, UNSEEN_USER_AGENT_DAYS } from "../src/security-log/notices";
import { pruneSecurityLog } from "../src/security-log/prune";
import { recordSecurityEvent } from "../src/security-log/record";
import { codes, type TestClient } from "./helpers/client";
import { REQUEST_RESET, RESET, VERIFY, mailEnv } from "./helpers/recovery";
import { SmtpPeer, tokenOf } from "./helpers/smtp-peer";
import { STRONG_PASSWORD, createAdmin, login, signUp, uniqueEmail } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import { BEGIN_SETUP, COMPLETE_LOGIN, CONFIRM_SETUP, DISABLE, REGENERATE, SECURITY_EVENTS, codeAt, enableTwoFactor, waitForFreshStep } from "./helpers/two-factor";

const AGENT = "SecurityLogTest/1.0 (a browser)";
const NEW_PASSWORD = "a brand new passphrase";
const ACCOUNT_RECOVERY_TYPES = ["PASSWORD_RESET_REQUESTED", "PASSWORD_RESET", "EMAIL_VERIFIED"];

let peer: SmtpPeer;
let server: TestServer;
before(async () => {
  peer = await new SmtpPeer().start();
  server = await startTestServer("security_log", { ...mailEnv(peer), LOGIN_MAX_FAILURES_PER_ACCOUNT: "3" });
});
after(async () => {
  await server?.close();
  await peer?.stop();
});

/** Every reset request decided and every mail settled (sent or given up). */
async function outboxSettled(): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [{ requests }] = await server.sql("SELECT COUNT(*) AS requests FROM password_reset_requests");
    const [{ pending }] = await server.sql("SELECT COUNT(*) AS pending FROM mail_outbox WHERE status = 'PENDING'");
    if (Number(requests) === 0 && Number(pending) === 0) return;
    if (Date.now() > deadline) throw new Error("timed out waiting for the outbox to settle");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const browser = () => server.client({ "user-agent": AGENT });
const rowsOf = (accountId: string | number): Promise<any[]> =>
  server.sql("SELECT * FROM security_events WHERE account_id = ? ORDER BY id", [accountId]);
const emailOf = async (id: string) => (await server.sql("SELECT email FROM users WHERE id = ?", [id]))[0].email as string;

describe("the security log", () => {
  it("writes each event type exactly once, by the action that causes it, with IP, user agent and the acting ADMIN", async () => {
    const admin = await createAdmin(server);
    const adminClient = browser();
    await login(adminClient, admin.user.email);
    const seen = new Set<string>();
    /** Runs `action` and checks the rows it added to the account's log: these types, in order, and nothing else. */
    const expectEvents = async (accountId: string, action: () => Promise<unknown>, types: string[], actorId: string | null = null) => {
      const before = (await rowsOf(accountId)).length;
      await action();
      const added = (await rowsOf(accountId)).slice(before);
      assert.deepEqual(added.map((r) => r.type), types);
      for (const row of added) {
        assert.equal(row.ip, "127.0.0.1");
        assert.equal(row.user_agent, AGENT);
        assert.equal(row.actor_id === null ? null : String(row.actor_id), actorId, `actor of ${row.type}`);
        seen.add(row.type);
      }
    };

    const alice = browser();
    const aliceId = (await alice.ok(`mutation($i: RegisterInput!) { register(input: $i) { id } }`, {
      i: { email: uniqueEmail("alice"), name: "Alice Log", password: STRONG_PASSWORD },
    })).register.id;
    await expectEvents(aliceId, async () => undefined, []);
    assert.deepEqual((await rowsOf(aliceId)).map((r) => [r.type, r.actor_id]), [["USER_CREATED", null]]);
    seen.add("USER_CREATED");
    const bobEmail = uniqueEmail("bob");
    const bobId = (await adminClient.ok(`mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`, {
      i: { email: bobEmail, name: "Bob Log", password: STRONG_PASSWORD },
    })).createUser.id;
    assert.deepEqual((await rowsOf(bobId)).map((r) => [r.type, String(r.actor_id)]), [["USER_CREATED", admin.user.id]]);

    const aliceEmail = await emailOf(aliceId);
    await expectEvents(aliceId, () => alice.ok(`mutation { logout }`), ["LOGOUT"]);
    await expectEvents(aliceId, () => alice.ok(`mutation { logout }`), []); // no session, nothing ended
    await expectEvents(aliceId, () => login(alice, aliceEmail, "wrong password!!"), ["LOGIN_FAILED"]);
    await expectEvents(aliceId, () => login(alice, aliceEmail), ["LOGIN_SUCCEEDED"]);
    const other = browser();
    await login(other, aliceEmail);
    const { sessions } = await other.ok(`{ sessions { id current } }`);
    await expectEvents(aliceId, () => other.ok(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: sessions.find((s: any) => !s.current).id }), [
      "SESSION_REVOKED",
    ]);
    await login(alice, aliceEmail);
    await expectEvents(aliceId, () => other.ok(`mutation { logoutOtherSessions }`), ["SESSIONS_ENDED"]);
    await expectEvents(aliceId, () => other.ok(`mutation { logoutOtherSessions }`), []); // none left to end
    await expectEvents(aliceId, () => other.ok(`mutation { changePassword(currentPassword: "${STRONG_PASSWORD}", newPassword: "${NEW_PASSWORD}") }`), [
      "PASSWORD_CHANGED",
    ]);
    await expectEvents(
      aliceId,
      () => other.ok(`mutation($id: ID!, $e: String) { updateUser(id: $id, input: { email: $e, currentPassword: "${NEW_PASSWORD}" }) { id } }`, {
        id: aliceId,
        e: uniqueEmail("moved"),
      }),
      ["EMAIL_CHANGED"],
    );
    await expectEvents(aliceId, () => adminClient.ok(`mutation($id: ID!) { updateUser(id: $id, input: { email: "${uniqueEmail("by-admin")}" }) { id } }`, { id: aliceId }), ["EMAIL_CHANGED"], admin.user.id);
    await expectEvents(aliceId, () => adminClient.ok(`mutation($id: ID!) { updateUser(id: $id, input: { name: "Alice Renamed", role: USER }) { id } }`, { id: aliceId }), []);

    // Two-factor: on, codes regenerated, a recovery code used at login, a wrong code at login, off with a recovery code.
    const email = await emailOf(aliceId);
    const me = browser();
    await login(me, email, NEW_PASSWORD);
    await waitForFreshStep();
    const setup = (await me.ok(BEGIN_SETUP, { p: NEW_PASSWORD })).beginTwoFactorSetup;
    await expectEvents(aliceId, () => me.ok(CONFIRM_SETUP, { code: codeAt(setup.secret, -1) }), ["TWO_FACTOR_ENABLED"]);
    let recovery: string[] = [];
    await expectEvents(aliceId, async () => {
      recovery = (await me.ok(REGENERATE, { p: NEW_PASSWORD, code: codeAt(setup.secret, 0) })).regenerateRecoveryCodes;
    }, ["RECOVERY_CODES_REGENERATED"]);
    const laptop = browser();
    await expectEvents(aliceId, () => login(laptop, email, NEW_PASSWORD), []); // the password alone is no login yet
    await expectEvents(aliceId, () => laptop.ok(COMPLETE_LOGIN, { code: recovery[0] }), ["RECOVERY_CODE_USED", "LOGIN_SUCCEEDED"]);
    const tablet = browser();
    await login(tablet, email, NEW_PASSWORD);
    await expectEvents(aliceId, () => tablet.gql(COMPLETE_LOGIN, { code: "000000" }), ["LOGIN_FAILED"]);
    await expectEvents(aliceId, () => me.ok(DISABLE, { p: NEW_PASSWORD, code: recovery[1] }), ["RECOVERY_CODE_USED", "TWO_FACTOR_DISABLED"]);

    await expectEvents(aliceId, () => adminClient.ok(`mutation($id: ID!) { updateUser(id: $id, input: { role: ADMIN }) { id } }`, { id: aliceId }), ["ROLE_CHANGED"], admin.user.id);

    // Account recovery: the link of the admin's email change verifies the address; a reset is asked for, then done.
    const [confirm] = await peer.waitFor(email, { subject: /Confirm your new/ });
    await expectEvents(aliceId, () => browser().ok(VERIFY, { token: tokenOf(confirm) }), ["EMAIL_VERIFIED"]);
    const beforeRequest = (await rowsOf(aliceId)).length;
    await browser().ok(REQUEST_RESET, { email });
    const [resetMail] = await peer.waitFor(email, { subject: /Reset your/ });
    await outboxSettled();
    // Decided in the background from a request row that keeps no IP nor user agent: the event has neither.
    const requested = (await rowsOf(aliceId)).slice(beforeRequest);
    assert.deepEqual(requested.map((r) => [r.type, r.ip, r.user_agent, r.actor_id]), [["PASSWORD_RESET_REQUESTED", null, null, null]]);
    seen.add("PASSWORD_RESET_REQUESTED");
    await expectEvents(aliceId, () => browser().ok(RESET, { token: tokenOf(resetMail), password: "yet another new passphrase" }), ["PASSWORD_RESET"]);
    // A wrong link changes nothing and logs nothing.
    await expectEvents(aliceId, async () => assert.deepEqual(codes(await browser().gql(RESET, { token: tokenOf(resetMail), password: "and one more passphrase" })), ["BAD_USER_INPUT"]), []);
    await expectEvents(aliceId, async () => assert.deepEqual(codes(await browser().gql(VERIFY, { token: tokenOf(confirm) })), ["BAD_USER_INPUT"]), []);

    // Throttling of an existing account: logged once per window, however many requests are refused.
    const thief = browser();
    await expectEvents(bobId, async () => {
      for (let i = 0; i < 3; i++) await login(thief, bobEmail, `wrong guess number ${i}`);
    }, ["LOGIN_FAILED", "LOGIN_FAILED", "LOGIN_FAILED"]);
    await expectEvents(bobId, async () => {
      for (let i = 0; i < 3; i++) assert.deepEqual(codes(await login(thief, bobEmail, "still guessing")), ["TOO_MANY_REQUESTS"]);
    }, ["LOGIN_THROTTLED"]);

    await expectEvents(bobId, () => adminClient.ok(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: bobId }), ["USER_DELETED"], admin.user.id);

    assert.deepEqual(Object.values(SecurityEventType).filter((t) => !seen.has(t)), []);
  });

  it("logs nothing for unknown emails: what an attacker types is not stored", async () => {
    await outboxSettled();
    const [{ n: before }] = await server.sql("SELECT COUNT(*) AS n FROM security_events");
    const stranger = browser();
    const email = uniqueEmail("nobody");
    for (let i = 0; i < 5; i++) await login(stranger, email, `guess ${i} for nobody`);
    await stranger.ok(REQUEST_RESET, { email });
    await outboxSettled();
    const [{ n: afterwards }] = await server.sql("SELECT COUNT(*) AS n FROM security_events");
    assert.equal(afterwards, before);
    const [{ n: mentions }] = await server.sql("SELECT COUNT(*) AS n FROM security_events WHERE user_agent LIKE ? OR ip LIKE ?", [`%${email}%`, `%${email}%`]);
    assert.equal(mentions, 0);
  });

  it("is read newest first, in pages, by its owner; another user's is FORBIDDEN to a USER and open to an ADMIN", async () => {
    const owner = await signUp(server);
    for (let i = 0; i < 3; i++) {
      await owner.client.ok(`mutation { logout }`);
      await login(owner.client, owner.user.email);
    }
    const all = (await owner.client.ok(SECURITY_EVENTS, {})).securityEvents;
    assert.equal(all.totalCount, 7); // USER_CREATED, then 3 x (LOGOUT, LOGIN_SUCCEEDED)
    const ids = all.edges.map((e: any) => Number(e.node.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), "newest first");
    assert.equal(all.edges[0].node.type, "LOGIN_SUCCEEDED");
    assert.equal(all.edges.at(-1).node.type, "USER_CREATED");
    assert.equal(all.edges[0].node.actorId, null);

    const first = (await owner.client.ok(SECURITY_EVENTS, { first: 3 })).securityEvents;
    assert.equal(first.pageInfo.hasNextPage, true);
    const next = (await owner.client.ok(SECURITY_EVENTS, { first: 10, after: first.pageInfo.endCursor })).securityEvents;
    assert.deepEqual([...first.edges, ...next.edges].map((e: any) => e.node.id), all.edges.map((e: any) => e.node.id));
    assert.equal(next.pageInfo.hasNextPage, false);
    assert.deepEqual((await owner.client.ok(SECURITY_EVENTS, { userId: owner.user.id })).securityEvents.totalCount, 7);
    assert.deepEqual(codes(await owner.client.gql(SECURITY_EVENTS, { first: 101 })), ["BAD_USER_INPUT"]);
    assert.deepEqual(codes(await owner.client.gql(SECURITY_EVENTS, { after: "bogus" })), ["BAD_USER_INPUT"]);

    const stranger = await signUp(server);
    for (const userId of [owner.user.id, "999999999", "not-an-id"]) {
      assert.deepEqual(codes(await stranger.client.gql(SECURITY_EVENTS, { userId })), ["FORBIDDEN"], userId);
    }
    assert.deepEqual(codes(await server.client().gql(SECURITY_EVENTS, {})), ["UNAUTHENTICATED"]);

    const admin = await createAdmin(server);
    const seenByAdmin = (await admin.client.ok(SECURITY_EVENTS, { userId: owner.user.id })).securityEvents;
    assert.deepEqual(seenByAdmin.edges.map((e: any) => e.node.id), all.edges.map((e: any) => e.node.id));
    assert.equal((await admin.client.ok(SECURITY_EVENTS, { userId: "not-an-id" })).securityEvents.totalCount, 0);
    // An ADMIN's own log is their own, without userId.
    const adminOwn = (await admin.client.ok(SECURITY_EVENTS, {})).securityEvents;
    assert.ok(adminOwn.edges.every((e: any) => e.node.type === "USER_CREATED" || e.node.type === "LOGIN_SUCCEEDED"));
  });

  it("keeps a deleted user's events, detached, and prunes events past SECURITY_LOG_RETENTION_DAYS", async () => {
    const gone = await signUp(server);
    await gone.client.ok(`mutation($id: ID!) { deleteUser(id: $id) }`, { id: gone.user.id });
    const rows = await rowsOf(gone.user.id);
    assert.deepEqual(rows.map((r) => r.type), ["USER_CREATED", "USER_DELETED"]);
    assert.ok(rows.every((r) => r.user_id === null), "detached from the deleted user");
    const admin = await createAdmin(server);
    assert.equal((await admin.client.ok(SECURITY_EVENTS, { userId: gone.user.id })).securityEvents.totalCount, 0);

    const kept = await signUp(server);
    await server.sql("UPDATE security_events SET created_at = NOW(3) - INTERVAL 366 DAY WHERE account_id = ?", [gone.user.id]);
    const deleted = await pruneSecurityLog(server.services.orm.em, 365);
    assert.ok(deleted >= 2);
    assert.deepEqual(await rowsOf(gone.user.id), []);
    assert.deepEqual((await rowsOf(kept.user.id)).map((r) => r.type), ["USER_CREATED"]);
  });

  it("recordSecurityEvent writes the account-recovery events in the caller's transaction, and only if it commits", async () => {
    const { user } = await signUp(server);
    const em = server.services.orm.em.fork();
    for (const type of ACCOUNT_RECOVERY_TYPES as SecurityEventType[]) {
      await assert.rejects(
        em.transactional(async (tem) => {
          await recordSecurityEvent(tem, { type, userId: Number(user.id), ip: "203.0.113.9", userAgent: AGENT });
          throw new Error("the change failed");
        }),
        /the change failed/,
      );
      await em.fork().transactional((tem) => recordSecurityEvent(tem, { type, userId: Number(user.id), ip: "203.0.113.9", userAgent: AGENT }));
    }
    const rows = await rowsOf(user.id);
    assert.deepEqual(rows.map((r) => r.type), ["USER_CREATED", ...ACCOUNT_RECOVERY_TYPES]);
    assert.ok(rows.slice(1).every((r) => r.ip === "203.0.113.9" && r.user_agent === AGENT));
  });
});

describe("security notices: when one is due", () => {
  it("for 2FA on or off and recovery codes regenerated or used, and a login from a user agent unseen for 90 days", async () => {
    const { user } = await signUp(server, {});
    const em = server.services.orm.em.fork();
    const userId = Number(user.id);
    const now = new Date();
    const due = (type: SecurityEventType, userAgent: string | null = AGENT) => noticeFor(em, { type, userId, userAgent }, now);
    for (const type of ["TWO_FACTOR_ENABLED", "TWO_FACTOR_DISABLED", "RECOVERY_CODES_REGENERATED", "RECOVERY_CODE_USED"] as SecurityEventType[]) {
      assert.equal(await due(type), type);
    }
    for (const type of ["PASSWORD_CHANGED", "LOGOUT", "LOGIN_FAILED", "EMAIL_CHANGED"] as SecurityEventType[]) assert.equal(await due(type), null);

    assert.equal(await due(SecurityEventType.LOGIN_SUCCEEDED, "Agent A"), "NEW_USER_AGENT_LOGIN");
    const insert = (type: string, agent: string, daysAgo: number) =>
      server.sql(
        `INSERT INTO security_events (user_id, account_id, type, created_at, ip, user_agent) VALUES (?, ?, ?, NOW(3) - INTERVAL ? DAY, '127.0.0.1', ?)`,
        [userId, userId, type, daysAgo, agent],
      );
    await insert("LOGIN_SUCCEEDED", "Agent A", 10);
    assert.equal(await due(SecurityEventType.LOGIN_SUCCEEDED, "Agent A"), null);
    await insert("LOGIN_SUCCEEDED", "Agent B", UNSEEN_USER_AGENT_DAYS + 1);
    assert.equal(await due(SecurityEventType.LOGIN_SUCCEEDED, "Agent B"), "NEW_USER_AGENT_LOGIN");
    await insert("LOGIN_FAILED", "Agent C", 1); // a failure does not make an agent known
    assert.equal(await due(SecurityEventType.LOGIN_SUCCEEDED, "Agent C"), "NEW_USER_AGENT_LOGIN");
    // The agent the account registered with is known too.
    const [{ user_agent: registeredWith }] = await rowsOf(user.id);
    assert.equal(await due(SecurityEventType.LOGIN_SUCCEEDED, registeredWith), null);
  });

  it("through the API: a second login from the same browser is known, a new browser is not", async () => {
    const alice = browser();
    const { user } = await signUp(server);
    const em = server.services.orm.em.fork();
    await login(alice, user.email);
    const input = { type: SecurityEventType.LOGIN_SUCCEEDED, userId: Number(user.id) };
    assert.equal(await noticeFor(em, { ...input, userAgent: AGENT }, new Date()), null);
    assert.equal(await noticeFor(em, { ...input, userAgent: "Another/2.0" }, new Date()), "NEW_USER_AGENT_LOGIN");
  });
});

describe("security notices: the mails", () => {
  const NOTICE = /^Security notice for your Teashop account$/;
  const notices = (email: string) => peer.to(email).filter((m) => NOTICE.test(m.subject ?? ""));

  it("each cause sends exactly one mail (text and HTML: what, when, which user agent), with no secret in it", async () => {
    const { user } = await signUp(server); // registered from another user agent than AGENT
    const owner = browser();
    await login(owner, user.email); // AGENT is new to the account: a notice
    await login(browser(), user.email); // and now known: none
    const setup = await enableTwoFactor(owner, STRONG_PASSWORD);
    const fresh: string[] = (await owner.ok(REGENERATE, { p: STRONG_PASSWORD, code: codeAt(setup.secret, 0) })).regenerateRecoveryCodes;
    const laptop = browser();
    await login(laptop, user.email);
    assert.deepEqual(codes(await laptop.gql(COMPLETE_LOGIN, { code: "000000" })), ["BAD_USER_INPUT"]); // nothing changed: no notice
    await laptop.ok(COMPLETE_LOGIN, { code: fresh[0] });
    assert.deepEqual(codes(await owner.gql(DISABLE, { p: STRONG_PASSWORD, code: setup.recoveryCodes[0] })), ["BAD_USER_INPUT"]); // an old code
    await laptop.ok(DISABLE, { p: STRONG_PASSWORD, code: fresh[1] });
    await outboxSettled();

    const mails = notices(user.email);
    assert.deepEqual(mails.map((m) => /^(.*) on your Teashop account\.$/m.exec(m.text ?? "")?.[1]).sort(), [
      "A recovery code was used", // at the login
      "A recovery code was used", // to turn two-factor off
      "New recovery codes were made; the old ones no longer work",
      "Someone logged in from a browser or app not used on this account recently",
      "Two-factor authentication was turned off",
      "Two-factor authentication was turned on",
    ]);
    const secrets = [setup.secret, ...setup.recoveryCodes, ...fresh, ...fresh.map((c) => c.replaceAll("-", "")), STRONG_PASSWORD];
    for (const mail of mails) {
      assert.equal(mail.from?.value[0].address, "no-reply@teashop.example.test");
      assert.match(mail.text!, /^Hello /);
      assert.match(mail.text!, /When: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/);
      assert.match(mail.text!, /From: SecurityLogTest\/1\.0 \(a browser\)/);
      assert.match(String(mail.html), /<p>From: SecurityLogTest\/1\.0 \(a browser\)<\/p>/);
      for (const body of [mail.text!, String(mail.html)]) {
        assert.ok(!/https?:/.test(body), "no link");
        for (const secret of secrets) assert.ok(!body.includes(secret), `a notice holds a secret: ${mail.subject}`);
      }
    }
    const [{ data }] = await server.sql("SELECT COUNT(data) AS data FROM mail_outbox WHERE recipient = ? AND template = 'security-notice'", [user.email]);
    assert.equal(Number(data), 0, "the data is dropped once sent");
  });

  it("is written with its event, in the caller's transaction, and only if it commits", async () => {
    const { user } = await signUp(server);
    const outbox = async () => (await server.sql("SELECT COUNT(*) AS n FROM mail_outbox WHERE recipient = ? AND template = 'security-notice'", [user.email]))[0].n;
    const event = { type: SecurityEventType.TWO_FACTOR_ENABLED, userId: Number(user.id), userAgent: AGENT };
    await assert.rejects(
      server.services.orm.em.fork().transactional(async (tem) => {
        await recordSecurityEvent(tem, event);
        throw new Error("the change failed");
      }),
      /the change failed/,
    );
    assert.equal(Number(await outbox()), 0);
    await server.services.orm.em.fork().transactional((tem) => recordSecurityEvent(tem, event));
    assert.equal(Number(await outbox()), 1);
    // No notice for an event that calls for none.
    await server.services.orm.em.fork().transactional((tem) => recordSecurityEvent(tem, { ...event, type: SecurityEventType.PASSWORD_CHANGED }));
    assert.equal(Number(await outbox()), 1);
  });
});

describe("no secret in any table", () => {
  it("holds neither the TOTP secret, nor a recovery code, nor a code used, nor a password, nor a session id", async () => {
    const { client, user } = await signUp(server);
    const setup = await enableTwoFactor(client, STRONG_PASSWORD);
    const used = [codeAt(setup.secret, -1)];
    const phone: TestClient = browser();
    await login(phone, user.email);
    used.push(codeAt(setup.secret, 0));
    await phone.ok(COMPLETE_LOGIN, { code: used[1] });
    const laptop = browser();
    await login(laptop, user.email);
    await laptop.ok(COMPLETE_LOGIN, { code: setup.recoveryCodes[5] });
    await laptop.ok(REGENERATE, { p: STRONG_PASSWORD, code: setup.recoveryCodes[6] });

    const { base32Decode } = await import("../src/two-factor/base32");
    const raw = base32Decode(setup.secret);
    const sids = await Promise.all([client, phone, laptop].map(async (c) => (await c.cookies())[0]?.value ?? ""));
    const secrets = [
      setup.secret,
      setup.secret.toLowerCase(),
      raw.toString("hex"),
      raw.toString("base64"),
      raw.toString("base64url"),
      STRONG_PASSWORD,
      ...used,
      ...setup.recoveryCodes,
      ...setup.recoveryCodes.map((c) => c.replaceAll("-", "")),
      ...sids.filter(Boolean).map((sid) => decodeURIComponent(sid).replace(/^s:/, "").split(".")[0]),
    ];
    assert.ok(sids.filter(Boolean).length >= 3);

    const [{ db }] = await server.sql("SELECT DATABASE() AS db");
    const columns: Array<{ t: string; c: string }> = await server.sql(
      "SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = ?",
      [db],
    );
    const tables = new Set(columns.map((col) => col.t));
    assert.ok(tables.has("security_events") && tables.has("recovery_codes") && tables.has("users"));
    let cells = 0;
    for (const table of tables) {
      for (const row of await server.sql(`SELECT * FROM \`${table}\``)) {
        for (const [column, value] of Object.entries(row)) {
          if (value === null) continue;
          const text = Buffer.isBuffer(value) ? value.toString("latin1") : value instanceof Date ? value.toISOString() : String(value);
          cells++;
          for (const secret of secrets) assert.ok(!text.includes(secret), `${table}.${column} holds a secret`);
        }
      }
    }
    assert.ok(cells > 100, `scanned ${cells} cells`);
  });
});
