import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes, type GqlResponse } from "./helpers/client";
import { createAdmin, me, type SignedIn } from "./helpers/factories";
import { flushUserCaches, startTestServer, type TestServer } from "./helpers/server";
import { DELETE_USER, UPDATE_USER, USERS } from "./helpers/user-operations";

// A database of its own: these tests decide how many ADMINs exist.
let server: TestServer;
before(async () => {
  server = await startTestServer("users_last_admin");
});
after(() => server?.close());

/** Exactly `n` ADMINs from here on: every earlier one is demoted in SQL. */
async function onlyAdmins(n: number): Promise<SignedIn[]> {
  await server.sql("UPDATE users SET role = 'USER' WHERE role = 'ADMIN'");
  await flushUserCaches(server);
  const admins: SignedIn[] = [];
  for (let i = 0; i < n; i++) admins.push(await createAdmin(server));
  return admins;
}

const adminCount = async () => Number((await server.sql("SELECT COUNT(*) AS n FROM users WHERE role = 'ADMIN'"))[0].n);
const demote = (by: SignedIn, whom: SignedIn) => by.client.gql(UPDATE_USER, { id: whom.user.id, input: { role: "USER" } });
const remove = (by: SignedIn, whom: SignedIn) => by.client.gql(DELETE_USER, { id: whom.user.id });

function assertLastAdminConflict(res: GqlResponse): void {
  assert.deepEqual(codes(res), ["CONFLICT"]);
  assert.match(res.errors![0].message, /last ADMIN/);
}

describe("the last ADMIN", () => {
  it("cannot demote themselves (CONFLICT, with why), and keeps role and session", async () => {
    const [admin] = await onlyAdmins(1);
    assertLastAdminConflict(await demote(admin, admin));
    assert.equal((await me(admin.client))?.role, "ADMIN");
    assert.deepEqual(codes(await admin.client.gql(USERS, {})), []);
  });

  it("cannot delete themselves (CONFLICT), and stays logged in", async () => {
    const [admin] = await onlyAdmins(1);
    assertLastAdminConflict(await remove(admin, admin));
    assert.equal((await me(admin.client))?.id, admin.user.id);
  });

  it("may be demoted or deleted while another ADMIN remains, and not once none would", async () => {
    const [a, b, c] = await onlyAdmins(3);
    assert.equal((await demote(a, b)).data.updateUser.role, "USER");
    assert.equal((await remove(a, c)).data.deleteUser, true);
    assertLastAdminConflict(await demote(a, a));
    assertLastAdminConflict(await remove(a, a));
    assert.equal(await adminCount(), 1);
  });

  it("a demotion to the role one already has is no removal: the last ADMIN may repeat ADMIN", async () => {
    const [admin] = await onlyAdmins(1);
    const res = await admin.client.gql(UPDATE_USER, { id: admin.user.id, input: { role: "ADMIN" } });
    assert.equal(res.data.updateUser.role, "ADMIN");
  });
});

describe("the last ADMIN under concurrency", () => {
  // Without the admin rows locked, both transactions would see two ADMINs and both remove one.
  const ROUNDS = 8;
  const races: Array<[string, (a: SignedIn, b: SignedIn) => Promise<GqlResponse>[]]> = [
    ["two ADMINs demoting themselves at once", (a, b) => [demote(a, a), demote(b, b)]],
    ["two ADMINs deleting themselves at once", (a, b) => [remove(a, a), remove(b, b)]],
    ["one ADMIN demoting themselves while the other deletes themselves", (a, b) => [demote(a, a), remove(b, b)]],
  ];
  for (const [what, race] of races) {
    it(`${what}: exactly one succeeds, the other is CONFLICT, one ADMIN remains`, async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const [a, b] = await onlyAdmins(2);
        const results = await Promise.all(race(a, b));
        const outcomes = results.map((res) => codes(res)[0] ?? "ok").sort();
        assert.deepEqual(outcomes, ["CONFLICT", "ok"], `round ${round}`);
        assert.equal(await adminCount(), 1, `round ${round}`);
      }
    });
  }

  it("two ADMINs demoting each other at once: one wins, and an ADMIN always remains", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const [a, b] = await onlyAdmins(2);
      const results = await Promise.all([demote(a, b), demote(b, a)]);
      // The loser is refused as the last ADMIN, or, if the winner's change came first, is no longer one.
      const outcomes = results.map((res) => codes(res)[0] ?? "ok").sort();
      assert.equal(outcomes.filter((o) => o === "ok").length, 1, `round ${round}: ${outcomes}`);
      assert.ok(["CONFLICT", "FORBIDDEN", "UNAUTHENTICATED"].includes(outcomes[0]), `round ${round}: ${outcomes}`);
      assert.equal(await adminCount(), 1, `round ${round}`);
    }
  });
});
