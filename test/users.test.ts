import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import {
  ADMIN_ENV,
  STRONG_PASSWORD,
  createAdmin,
  login,
  loginAsAdmin,
  me,
  signUp,
  uniqueEmail,
} from "./helpers/factories";
import { flushUserCaches, startTestServer, type TestServer } from "./helpers/server";
import { CREATE_USER, DELETE_USER, UPDATE_USER, USER, USERS } from "./helpers/user-operations";

let server: TestServer;
before(async () => {
  server = await startTestServer("users", { ...ADMIN_ENV });
});
after(() => server?.close());

const NO_SUCH_ID = "999999999";
const MALFORMED_IDS = ["abc", "1abc", "-1", "0", "1.0", " 1", "99999999999999999999"];
const fieldsOf = (res: { errors?: Array<{ extensions?: Record<string, any> }> }) => res.errors?.[0]?.extensions?.fields;
/** The Redis keys of a user's stored sessions, and of the index that lists them. */
async function sessionKeysOf(userId: string): Promise<string[]> {
  const redis = server.services.sessions.redis!;
  const prefix = server.config.redis!.keyPrefix;
  const index = `${prefix}user-sessions:${userId}`;
  return [index, ...Object.values(await redis.hGetAll(index)).map((sid) => `${prefix}sess:${sid}`)];
}
const storedKeys = (keys: string[]) => server.services.sessions.redis!.exists(keys);
const userRow = async (id: string) => (await server.sql("SELECT id, email, name, role FROM users WHERE id = ?", [id]))[0];

describe("user(id)", () => {
  it("answers a USER about themselves", async () => {
    const { client, user } = await signUp(server);
    assert.equal((await client.ok(USER, { id: user.id })).user.email, user.email);
  });

  it("is FORBIDDEN to a USER for any other id, existing, missing or malformed", async () => {
    const { client } = await signUp(server);
    const other = await signUp(server);
    for (const id of [other.user.id, NO_SUCH_ID, ...MALFORMED_IDS]) {
      assert.deepEqual(codes(await client.gql(USER, { id })), ["FORBIDDEN"], id);
    }
  });

  it("answers an ADMIN about anyone, and null for an id that names no user (malformed ones too)", async () => {
    const { client } = await loginAsAdmin(server);
    const other = await signUp(server, { name: "Read By Admin" });
    assert.equal((await client.ok(USER, { id: other.user.id })).user.name, "Read By Admin");
    for (const id of [NO_SUCH_ID, ...MALFORMED_IDS]) assert.equal((await client.ok(USER, { id })).user, null, id);
  });
});

describe("createUser", () => {
  it("creates a USER by default, who can log in; the ADMIN stays logged in as themselves", async () => {
    const admin = await loginAsAdmin(server);
    const input = { email: uniqueEmail("Created"), name: "  Made By Admin ", password: STRONG_PASSWORD };
    const { createUser } = await admin.client.ok(CREATE_USER, { input });
    assert.deepEqual([createUser.email, createUser.name, createUser.role], [input.email.toLowerCase(), "Made By Admin", "USER"]);
    assert.equal((await me(admin.client))?.id, admin.user.id);
    assert.equal((await login(server.client(), input.email)).data.login.id, createUser.id);
  });

  it("creates an ADMIN when asked, who then has admin rights", async () => {
    const admin = await loginAsAdmin(server);
    const input = { email: uniqueEmail(), name: "Second Admin", password: STRONG_PASSWORD, role: "ADMIN" };
    assert.equal((await admin.client.ok(CREATE_USER, { input })).createUser.role, "ADMIN");
    const client = server.client();
    await login(client, input.email);
    assert.deepEqual(codes(await client.gql(USERS, { first: 1 })), []);
  });

  it("refuses an email already registered in any case (CONFLICT)", async () => {
    const existing = await signUp(server);
    const admin = await loginAsAdmin(server);
    const input = { email: existing.user.email.toUpperCase(), name: "Copy Cat", password: STRONG_PASSWORD };
    const res = await admin.client.gql(CREATE_USER, { input });
    assert.deepEqual(codes(res), ["CONFLICT"]);
    assert.ok(fieldsOf(res).email);
  });

  it("names every invalid field at once (BAD_USER_INPUT), creating nothing", async () => {
    const admin = await loginAsAdmin(server);
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ email: "not-an-email" }, ["email"]],
      [{ name: " " }, ["name"]],
      [{ name: "n".repeat(101) }, ["name"]],
      [{ password: "short" }, ["password"]],
      [{ password: "1234567890" }, ["password"]],
      [{ email: "bad", name: "", password: "password" }, ["email", "name", "password"]],
    ];
    for (const [overrides, fields] of cases) {
      const input = { email: uniqueEmail(), name: "Valid Name", password: STRONG_PASSWORD, ...overrides };
      const res = await admin.client.gql(CREATE_USER, { input });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"], JSON.stringify(overrides));
      assert.deepEqual(Object.keys(fieldsOf(res)).sort(), fields);
      assert.equal((await server.sql("SELECT id FROM users WHERE email = ?", [input.email.toLowerCase()])).length, 0);
    }
  });
});

describe("updateUser", () => {
  it("lets a USER change their own email and name; the email is stored lower-cased and logs in", async () => {
    const { client, user } = await signUp(server);
    const email = uniqueEmail("Moved");
    const { updateUser } = await client.ok(UPDATE_USER, { id: user.id, input: { email, name: " New Name ", currentPassword: STRONG_PASSWORD } });
    assert.deepEqual([updateUser.email, updateUser.name, updateUser.role], [email.toLowerCase(), "New Name", "USER"]);
    assert.equal((await login(server.client(), email)).data.login.id, user.id);
    assert.deepEqual(codes(await login(server.client(), user.email)), ["BAD_USER_INPUT"]);
  });

  it("leaves fields that are left out or null as they are", async () => {
    const { client, user } = await signUp(server, { name: "Keep Me" });
    const { updateUser } = await client.ok(UPDATE_USER, { id: user.id, input: { email: null, name: null, role: null } });
    assert.deepEqual([updateUser.email, updateUser.name, updateUser.role], [user.email, "Keep Me", "USER"]);
    assert.equal((await client.ok(UPDATE_USER, { id: user.id, input: {} })).updateUser.name, "Keep Me");
  });

  it("lets a USER repeat their own role, which changes nothing and ends no session", async () => {
    const { client, user } = await signUp(server);
    const elsewhere = server.client();
    await login(elsewhere, user.email);
    assert.equal((await client.ok(UPDATE_USER, { id: user.id, input: { role: "USER" } })).updateUser.role, "USER");
    assert.equal((await me(elsewhere))?.id, user.id);
  });

  it("is FORBIDDEN to a USER raising their own role, and changes nothing else in the same call", async () => {
    const { client, user } = await signUp(server, { name: "Stay Put" });
    const res = await client.gql(UPDATE_USER, { id: user.id, input: { role: "ADMIN", name: "Sneaky" } });
    assert.deepEqual(codes(res), ["FORBIDDEN"]);
    assert.deepEqual([(await userRow(user.id)).role, (await userRow(user.id)).name], ["USER", "Stay Put"]);
  });

  it("is FORBIDDEN to a USER for another user, existing or not, before looking at the input", async () => {
    const { client } = await signUp(server);
    const other = await signUp(server, { name: "Untouched" });
    for (const id of [other.user.id, NO_SUCH_ID, "abc"]) {
      for (const input of [{ name: "Hijacked" }, { email: "not-an-email" }]) {
        assert.deepEqual(codes(await client.gql(UPDATE_USER, { id, input })), ["FORBIDDEN"], `${id} ${JSON.stringify(input)}`);
      }
    }
    assert.equal((await userRow(other.user.id)).name, "Untouched");
  });

  it("refuses an email another user has, in any case (CONFLICT on fields.email)", async () => {
    const taken = await signUp(server);
    const { client, user } = await signUp(server);
    const res = await client.gql(UPDATE_USER, { id: user.id, input: { email: taken.user.email.toUpperCase(), currentPassword: STRONG_PASSWORD } });
    assert.deepEqual(codes(res), ["CONFLICT"]);
    assert.equal(typeof fieldsOf(res).email, "string");
    assert.equal((await userRow(user.id)).email, user.email);
  });

  it("accepts one's own email again in another case", async () => {
    const { client, user } = await signUp(server);
    const res = await client.ok(UPDATE_USER, { id: user.id, input: { email: user.email.toUpperCase() } });
    assert.equal(res.updateUser.email, user.email);
  });

  it("names each invalid field (BAD_USER_INPUT), changing nothing", async () => {
    const { client, user } = await signUp(server, { name: "Original" });
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ email: "nope" }, ["email"]],
      [{ name: "" }, ["name"]],
      [{ name: "x".repeat(101) }, ["name"]],
      [{ email: "a@b", name: "   " }, ["email", "name"]],
    ];
    for (const [input, fields] of cases) {
      const res = await client.gql(UPDATE_USER, { id: user.id, input });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
      assert.deepEqual(Object.keys(fieldsOf(res)).sort(), fields);
    }
    assert.deepEqual([(await userRow(user.id)).email, (await userRow(user.id)).name], [user.email, "Original"]);
  });

  it("lets an ADMIN change anyone's email, name and role", async () => {
    const admin = await loginAsAdmin(server);
    const { user } = await signUp(server);
    const email = uniqueEmail("ByAdmin");
    const input = { email, name: "Promoted Person", role: "ADMIN" };
    const { updateUser } = await admin.client.ok(UPDATE_USER, { id: user.id, input });
    assert.deepEqual([updateUser.email, updateUser.name, updateUser.role], [email.toLowerCase(), "Promoted Person", "ADMIN"]);
  });

  it("is NOT_FOUND to an ADMIN naming an id that is no user, malformed ones included", async () => {
    const admin = await loginAsAdmin(server);
    for (const id of [NO_SUCH_ID, ...MALFORMED_IDS]) {
      assert.deepEqual(codes(await admin.client.gql(UPDATE_USER, { id, input: { name: "Ghost" } })), ["NOT_FOUND"], id);
    }
  });
});

describe("role changes end sessions", () => {
  it("a promotion ends all of the user's sessions; logged in again, they have admin rights", async () => {
    const admin = await loginAsAdmin(server);
    const target = await signUp(server);
    const second = server.client();
    await login(second, target.user.email);
    const cookies = [await target.client.cookieHeader(), await second.cookieHeader()];
    await admin.client.ok(UPDATE_USER, { id: target.user.id, input: { role: "ADMIN" } });
    for (const cookie of cookies) assert.equal(await me(server.client({ cookie })), null);
    assert.deepEqual(codes(await target.client.gql(USERS, {})), ["UNAUTHENTICATED"]);
    await login(target.client, target.user.email);
    assert.deepEqual(codes(await target.client.gql(USERS, {})), []);
  });

  it("a demoted ADMIN's old sessions are anonymous, and a new login has no admin rights", async () => {
    const admin = await loginAsAdmin(server);
    const demoted = await createAdmin(server);
    await admin.client.ok(UPDATE_USER, { id: demoted.user.id, input: { role: "USER" } });
    assert.deepEqual(codes(await demoted.client.gql(USERS, {})), ["UNAUTHENTICATED"]);
    await login(demoted.client, demoted.user.email);
    assert.deepEqual(codes(await demoted.client.gql(USERS, {})), ["FORBIDDEN"]);
  });

  it("a role changed in SQL by hand applies to a session that survived it once the user caches are flushed", async () => {
    const demoted = await createAdmin(server);
    assert.deepEqual(codes(await demoted.client.gql(USERS, {})), []);
    await server.sql("UPDATE users SET role = 'USER' WHERE id = ?", [demoted.user.id]);
    await flushUserCaches(server);
    assert.deepEqual(codes(await demoted.client.gql(USERS, {})), ["FORBIDDEN"]);
  });

  it("an ADMIN demoting themselves keeps this session (with a new id) as a USER; the others end", async () => {
    const self = await createAdmin(server);
    const elsewhere = server.client();
    await login(elsewhere, self.user.email);
    const before = await self.client.cookieHeader();
    const { updateUser } = await self.client.ok(UPDATE_USER, { id: self.user.id, input: { role: "USER" } });
    assert.equal(updateUser.role, "USER");
    assert.equal((await me(self.client))?.role, "USER");
    assert.deepEqual(codes(await self.client.gql(USERS, {})), ["FORBIDDEN"]);
    assert.notEqual(await self.client.cookieHeader(), before);
    assert.equal(await me(server.client({ cookie: before })), null);
    assert.equal(await me(elsewhere), null);
  });

  it("an email or name change ends no session", async () => {
    const admin = await loginAsAdmin(server);
    const target = await signUp(server);
    await admin.client.ok(UPDATE_USER, { id: target.user.id, input: { name: "Just Renamed", email: uniqueEmail() } });
    assert.equal((await target.client.ok("{ me { name } }")).me.name, "Just Renamed");
  });
});

describe("deleteUser", () => {
  it("deleting oneself logs out, ends every other session, and frees the email", async () => {
    const { client, user } = await signUp(server);
    const elsewhere = server.client();
    await login(elsewhere, user.email);
    const cookie = await client.cookieHeader();
    const keys = await sessionKeysOf(user.id);
    assert.equal(await storedKeys(keys), 3);
    const res = await client.gql(DELETE_USER, { id: user.id });
    assert.equal(res.data.deleteUser, true);
    assert.match(res.headers.get("set-cookie") ?? "", /Expires=Thu, 01 Jan 1970/);
    for (const c of [client, elsewhere, server.client({ cookie })]) assert.equal(await me(c), null);
    assert.equal(await userRow(user.id), undefined);
    assert.equal(await storedKeys(keys), 0);
    assert.deepEqual(codes(await login(server.client(), user.email)), ["BAD_USER_INPUT"]);
    await signUp(server, { email: user.email });
  });

  it("an ADMIN deleting a user ends all of that user's sessions at once", async () => {
    const admin = await loginAsAdmin(server);
    const target = await signUp(server);
    const second = server.client();
    await login(second, target.user.email);
    const keys = await sessionKeysOf(target.user.id);
    assert.equal(await storedKeys(keys), 3);
    assert.equal((await admin.client.ok(DELETE_USER, { id: target.user.id })).deleteUser, true);
    assert.equal(await storedKeys(keys), 0);
    for (const c of [target.client, second]) assert.equal(await me(c), null);
    assert.equal((await admin.client.ok(USER, { id: target.user.id })).user, null);
    assert.equal((await me(admin.client))?.id, admin.user.id);
  });

  it("is NOT_FOUND to an ADMIN for a user that is gone or never was", async () => {
    const admin = await loginAsAdmin(server);
    const { user } = await signUp(server);
    await admin.client.ok(DELETE_USER, { id: user.id });
    for (const id of [user.id, NO_SUCH_ID, ...MALFORMED_IDS]) {
      assert.deepEqual(codes(await admin.client.gql(DELETE_USER, { id })), ["NOT_FOUND"], id);
    }
  });

  it("is FORBIDDEN to a USER for anyone else, existing or not", async () => {
    const { client } = await signUp(server);
    const other = await signUp(server);
    for (const id of [other.user.id, NO_SUCH_ID, "abc"]) {
      assert.deepEqual(codes(await client.gql(DELETE_USER, { id })), ["FORBIDDEN"], id);
    }
    assert.ok(await userRow(other.user.id));
    assert.notEqual(await me(other.client), null);
  });
});
