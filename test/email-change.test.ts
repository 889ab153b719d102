import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { ADMIN_ENV, loginAdmin } from "./helpers/shop";
import { login, registerUser, STRONG_PASSWORD, uniqueEmail } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

const UPDATE_USER = `mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id email } }`;

describe("changing one's own email takes the current password and is limited", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("email_change", { ...ADMIN_ENV, LOGIN_MAX_FAILURES_PER_ACCOUNT: "5" });
  });
  after(() => server?.close());

  it("missing or wrong currentPassword: BAD_USER_INPUT fields.currentPassword, email unchanged; the right one changes it", async () => {
    const client = server.client();
    const user = await registerUser(client);
    for (const currentPassword of [undefined, null, "", "wrong password"]) {
      const res = await client.gql(UPDATE_USER, { id: user.id, input: { email: uniqueEmail("moved"), currentPassword } });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"], JSON.stringify(currentPassword));
      assert.equal(typeof res.errors![0].extensions!.fields.currentPassword, "string");
    }
    const [row] = await server.sql("SELECT email FROM users WHERE id = ?", [user.id]);
    assert.equal(row.email, user.email);
    const moved = uniqueEmail("moved");
    assert.equal((await client.ok(UPDATE_USER, { id: user.id, input: { email: moved, currentPassword: STRONG_PASSWORD } })).updateUser.email, moved);
    // Renaming, or giving one's own email again, needs no password.
    await client.ok(UPDATE_USER, { id: user.id, input: { email: moved.toUpperCase(), name: "Renamed" } });
  });

  it("wrong current passwords count as failed logins on the account", async () => {
    const client = server.client();
    const user = await registerUser(client);
    for (let i = 0; i < 4; i++) await client.gql(UPDATE_USER, { id: user.id, input: { email: uniqueEmail(), currentPassword: "wrong password" } });
    // The fifth failure is a login's; then the account refuses a new client even with the right password.
    assert.deepEqual(codes(await login(server.client(), user.email, "wrong password")), ["BAD_USER_INPUT"]);
    assert.deepEqual(codes(await login(server.client(), user.email)), ["TOO_MANY_REQUESTS"]);
  });

  it("probing addresses with the right password is limited per account: TOO_MANY_REQUESTS", async () => {
    const client = server.client();
    const user = await registerUser(client);
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(codes(await client.gql(UPDATE_USER, { id: user.id, input: { email: uniqueEmail("probe"), currentPassword: STRONG_PASSWORD } }))[0] ?? "OK");
    assert.deepEqual(answers, ["OK", "OK", "OK", "OK", "OK", "TOO_MANY_REQUESTS", "TOO_MANY_REQUESTS"]);
  });

  it("an ADMIN changing another user's email needs no password", async () => {
    const user = await registerUser(server.client());
    const admin = await loginAdmin(server.client());
    const moved = uniqueEmail("by-admin");
    assert.equal((await admin.ok(UPDATE_USER, { id: user.id, input: { email: moved } })).updateUser.email, moved);
  });
});
