import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { ADMIN_ENV, STRONG_PASSWORD, login, loginAsAdmin, me, signUp, uniqueEmail, type SignedIn } from "./helpers/factories";
import { startEmbeddedServer, type TestServer } from "./helpers/server";
import { CREATE_USER, DELETE_USER, UPDATE_USER, USERS } from "./helpers/user-operations";

// The same rules on the embedded defaults: SQLite and the in-process session store.
let server: TestServer;
let admin: SignedIn;
before(async () => {
  server = await startEmbeddedServer({ ...ADMIN_ENV });
  admin = await loginAsAdmin(server);
});
after(() => server?.close());

async function createUser(name: string, role = "USER", email = uniqueEmail()): Promise<string> {
  const input = { email, name, password: STRONG_PASSWORD, role };
  return (await admin.client.ok(CREATE_USER, { input })).createUser.id;
}

const search = async (term: string) =>
  (await admin.client.ok(USERS, { search: term, first: 100 })).users.edges.map((e: any) => e.node.id);

describe("users on SQLite", () => {
  it("search ignores ASCII case and takes % _ \\ literally", async () => {
    const percent = await createUser("Sq 50% Off");
    await createUser("Sq 50x Off");
    const underscore = await createUser("Sq a_b");
    await createUser("Sq aXb");
    const backslash = await createUser("Sq c\\d");
    assert.deepEqual(await search("SQ 50%"), [percent]);
    assert.deepEqual(await search("sq A_B"), [underscore]);
    assert.deepEqual(await search("c\\"), [backslash]);
    assert.deepEqual((await search("sq ")).length, 5);
  });

  it("pages with cursors and a total", async () => {
    for (let i = 0; i < 5; i++) await createUser(`Pg Person ${i}`);
    const seen: string[] = [];
    let after: string | null = null;
    let hasNextPage = true;
    while (hasNextPage) {
      const { users }: any = await admin.client.ok(USERS, { first: 2, after, search: "pg person" });
      assert.equal(users.totalCount, 5);
      seen.push(...users.edges.map((e: any) => e.node.id));
      ({ hasNextPage, endCursor: after } = users.pageInfo);
    }
    assert.deepEqual(seen, await search("pg person"));
    assert.equal(new Set(seen).size, 5);
  });

  it("an email taken in another case is CONFLICT on update", async () => {
    const taken = await signUp(server);
    const { client, user } = await signUp(server);
    const res = await client.gql(UPDATE_USER, { id: user.id, input: { email: taken.user.email.toUpperCase(), currentPassword: STRONG_PASSWORD } });
    assert.deepEqual(codes(res), ["CONFLICT"]);
  });

  it("a role change ends the user's sessions; deleting oneself logs out", async () => {
    const target = await signUp(server);
    await admin.client.ok(UPDATE_USER, { id: target.user.id, input: { role: "ADMIN" } });
    assert.equal(await me(target.client), null);
    await login(target.client, target.user.email);
    assert.equal((await target.client.ok(DELETE_USER, { id: target.user.id })).deleteUser, true);
    assert.equal(await me(target.client), null);
  });

  // Last in this file: it leaves the bootstrap ADMIN possibly demoted.
  it("the last ADMIN is kept, also when two ADMINs step down at once", async () => {
    const email = uniqueEmail("admin2");
    const secondId = await createUser("Second Admin", "ADMIN", email);
    const second = server.client();
    await login(second, email);
    const [mine, theirs] = await Promise.all([
      admin.client.gql(UPDATE_USER, { id: admin.user.id, input: { role: "USER" } }),
      second.gql(DELETE_USER, { id: secondId }),
    ]);
    assert.deepEqual([codes(mine)[0] ?? "ok", codes(theirs)[0] ?? "ok"].sort(), ["CONFLICT", "ok"]);
    // Whoever was refused is still an ADMIN, and still the last one.
    const survivor = mine.errors ? admin : { client: second, user: { id: secondId } };
    assert.equal((await me(survivor.client))?.role, "ADMIN");
    const res = await survivor.client.gql(DELETE_USER, { id: survivor.user.id });
    assert.deepEqual(codes(res), ["CONFLICT"]);
    assert.match(res.errors![0].message, /last ADMIN/);
  });
});
