import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { buildSchema } from "graphql";
import { writeUser } from "../src/user-cache/user-writes";
import { runSql } from "../src/db/plain-sql";
import { User } from "../src/entities/user.entity";
import type { TestClient } from "./helpers/client";
import { ADMIN_ENV, STRONG_PASSWORD, TEST_ADMIN, login, registerUser } from "./helpers/factories";
import { REQUEST_RESET, RESET, VERIFY, mailEnv } from "./helpers/recovery";
import { freshDependencies, invalidationsDelivered, startTestServerOn, type TestServer } from "./helpers/server";
import { SmtpPeer, tokenOf } from "./helpers/smtp-peer";
import { BEGIN_SETUP, COMPLETE_LOGIN, CONFIRM_SETUP, DISABLE, REGENERATE, codeAt, enableTwoFactor, waitForFreshStep } from "./helpers/two-factor";
import { DELETE_USER, UPDATE_USER } from "./helpers/user-operations";

// MikroORM wraps the guard's error (UnguardedUserWriteError) as a DriverException with its message.
const UNGUARDED = /a write to users outside writeUser/;
const NEW_PASSWORD = "another long passphrase 42";
const ME = `{ me { id name email role emailVerified twoFactorEnabled } }`;

/** The mutations of schema.graphql that change no existing row of users (register and createUser insert one). */
const NO_USER_WRITE = [
  "addToCart", "checkout", "clearCart", "createProduct", "createUser", "login", "logout", "logoutOtherSessions", "register", "removeFromCart", "requestEmailVerification",
  "requestPasswordReset", "revokeSession", "setCartQuantity", "updateProduct",
];

interface Shopper {
  id: number;
  email: string;
  onA: TestClient;
  onB: TestClient;
}

let peer: SmtpPeer;
let a: TestServer;
let b: TestServer;
let admin: TestClient;

before(async () => {
  peer = await new SmtpPeer().start();
  const deps = await freshDependencies("user_writes");
  const env = { ...ADMIN_ENV, ...mailEnv(peer) };
  a = await startTestServerOn(deps, env);
  b = await startTestServerOn(deps, env);
  admin = a.client();
  await login(admin, TEST_ADMIN.email, TEST_ADMIN.password);
});
after(async () => {
  await a?.close();
  await b?.close();
  await peer?.stop();
});

/** A new USER logged in on A; the same browser on B, whose cache then holds their row. */
async function shopper(): Promise<Shopper> {
  const onA = a.client();
  const user = await registerUser(onA);
  const found: Shopper = { id: Number(user.id), email: user.email, onA, onB: onA.at(b.url) };
  await cachedOnB(found);
  return found;
}

async function cachedOnB(user: Shopper): Promise<void> {
  await invalidationsDelivered(b); // else a late message of A's could drop the row B is about to cache
  assert.equal((await user.onB.ok(ME)).me.id, String(user.id));
  assert.equal(b.services.userCache.has(user.id), true, "B caches the row");
}

/** B drops the row within 2 s (pub/sub); without an invalidation it would keep it for the 60 s TTL. */
async function droppedOnB(user: Shopper): Promise<void> {
  const deadline = Date.now() + 2000;
  while (b.services.userCache.has(user.id)) {
    if (Date.now() > deadline) assert.fail(`B still serves user ${user.id}'s cached row`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function twoFactorShopper() {
  await waitForFreshStep();
  const user = await shopper();
  const setup = await enableTwoFactor(user.onA, STRONG_PASSWORD);
  await cachedOnB(user);
  return { ...user, setup };
}

/** Each user-changing mutation, run on A against a user whose row B has cached; then B's view is checked. */
const cases: Record<string, () => Promise<void>> = {
  updateUser: async () => {
    const user = await shopper();
    await user.onA.ok(UPDATE_USER, { id: user.id, input: { name: "Renamed On A" } });
    await droppedOnB(user);
    assert.equal((await user.onB.ok(ME)).me.name, "Renamed On A");
    await cachedOnB(user);
    await admin.ok(UPDATE_USER, { id: user.id, input: { email: `new-${user.email}`, role: "ADMIN" } });
    await droppedOnB(user);
  },
  deleteUser: async () => {
    const user = await shopper();
    await admin.ok(DELETE_USER, { id: user.id });
    await droppedOnB(user);
  },
  changePassword: async () => {
    const user = await shopper();
    await user.onA.ok(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`, { c: STRONG_PASSWORD, n: NEW_PASSWORD });
    await droppedOnB(user);
  },
  resetPassword: async () => {
    const user = await shopper();
    await a.client().ok(REQUEST_RESET, { email: user.email });
    const [mail] = await peer.waitFor(user.email, { subject: /Reset your/ });
    await a.client().ok(RESET, { token: tokenOf(mail), password: NEW_PASSWORD });
    await droppedOnB(user);
  },
  verifyEmail: async () => {
    const user = await shopper();
    const [mail] = await peer.waitFor(user.email, { subject: /Welcome/ });
    await a.client().ok(VERIFY, { token: tokenOf(mail) });
    await droppedOnB(user);
    assert.equal((await user.onB.ok(ME)).me.emailVerified, true);
  },
  beginTwoFactorSetup: async () => {
    const user = await shopper();
    await user.onA.ok(BEGIN_SETUP, { p: STRONG_PASSWORD });
    await droppedOnB(user);
  },
  confirmTwoFactorSetup: async () => {
    await waitForFreshStep();
    const user = await shopper();
    const setup = (await user.onA.ok(BEGIN_SETUP, { p: STRONG_PASSWORD })).beginTwoFactorSetup;
    await cachedOnB(user);
    await user.onA.ok(CONFIRM_SETUP, { code: codeAt(setup.secret, 0) });
    await droppedOnB(user);
    assert.equal((await user.onB.ok(ME)).me.twoFactorEnabled, true);
  },
  completeLogin: async () => {
    const user = await twoFactorShopper();
    const second = a.client();
    assert.equal((await login(second, user.email)).errors?.[0]?.extensions?.code, "SECOND_FACTOR_REQUIRED");
    await second.ok(COMPLETE_LOGIN, { code: codeAt(user.setup.secret, 0) });
    await droppedOnB(user);
  },
  regenerateRecoveryCodes: async () => {
    const user = await twoFactorShopper();
    await user.onA.ok(REGENERATE, { p: STRONG_PASSWORD, code: codeAt(user.setup.secret, 0) }); // a TOTP step claimed in users
    await droppedOnB(user);
  },
  disableTwoFactor: async () => {
    const user = await twoFactorShopper();
    await user.onA.ok(DISABLE, { p: STRONG_PASSWORD, code: user.setup.recoveryCodes[0] });
    await droppedOnB(user);
    assert.equal((await user.onB.ok(ME)).me.twoFactorEnabled, false);
  },
};

describe("every mutation that changes a user reaches the other instance's cache (two instances, MySQL and Redis)", () => {
  it("covers every mutation of the schema: each one is a case below or changes no existing user", () => {
    const schema = buildSchema(readFileSync(path.resolve(__dirname, "..", "..", "schema.graphql"), "utf8"));
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
    assert.deepEqual(mutations, [...Object.keys(cases), ...NO_USER_WRITE].sort(), "classify a new mutation here");
  });

  for (const [mutation, run] of Object.entries(cases)) it(mutation, run);
});

describe("a write to users outside writeUser", () => {
  it("is refused before it is sent, whichever way it is written, and goes through inside writeUser", async () => {
    const user = await shopper();
    const em = () => a.services.orm.em.fork();
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ["raw SQL", () => runSql(em(), "UPDATE users SET name = 'Bypass' WHERE id = ?", [user.id], "run")],
      ["nativeUpdate", () => em().nativeUpdate(User, { id: user.id }, { name: "Bypass" })],
      ["a flushed change", async () => {
        const e = em();
        (await e.findOneOrFail(User, user.id)).name = "Bypass";
        await e.flush();
      }],
      ["nativeDelete", () => em().nativeDelete(User, { id: user.id })],
      ["a flushed removal", async () => {
        const e = em();
        await e.remove(await e.findOneOrFail(User, user.id)).flush();
      }],
    ];
    for (const [how, attempt] of attempts) await assert.rejects(attempt(), UNGUARDED, how);
    const [row] = await a.sql("SELECT name FROM users WHERE id = ?", [user.id]);
    assert.equal(row.name, "Test Shopper", "nothing was written");
    assert.equal(b.services.userCache.has(user.id), true);

    const e = em();
    await writeUser({ em: e, services: a.services }, user.id, () => e.nativeUpdate(User, { id: user.id }, { name: "Through writeUser" }));
    await droppedOnB(user);
    assert.equal((await user.onB.ok(ME)).me.name, "Through writeUser");
  });
});
