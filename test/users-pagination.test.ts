import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { codes, type TestClient } from "./helpers/client";
import { ADMIN_ENV, STRONG_PASSWORD, loginAsAdmin, signUp, uniqueEmail } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import { CREATE_USER, DELETE_USER, USERS } from "./helpers/user-operations";

let server: TestServer;
let admin: TestClient;
before(async () => {
  server = await startTestServer("users_pages", { ...ADMIN_ENV });
  admin = (await loginAsAdmin(server)).client;
});
after(() => server?.close());

/** A word no other test's data contains, so a search for it sees only this test's users. */
const newTag = () => `t${randomBytes(5).toString("hex")}`;

async function createUser(name: string, email = uniqueEmail()): Promise<string> {
  const { createUser } = await admin.ok(CREATE_USER, { input: { email, name, password: STRONG_PASSWORD } });
  return createUser.id;
}

/** Many users at once, straight into the table: the pages are what is under test here, not creation. */
async function insertUsers(count: number, name: string): Promise<void> {
  const rows = Array.from({ length: count }, () => [uniqueEmail("bulk"), name, "not-a-real-hash", new Date(), new Date()]);
  await server.sql("INSERT INTO users (email, name, password_hash, created_at, updated_at) VALUES ?", [rows]);
}

async function search(term: string): Promise<string[]> {
  const { users } = await admin.ok(USERS, { search: term, first: 100 });
  return users.edges.map((e: any) => e.node.id);
}

const badField = (res: { errors?: Array<{ extensions?: Record<string, any> }> }) => [
  codes(res as any)[0],
  Object.keys(res.errors?.[0]?.extensions?.fields ?? {}),
];

describe("users: pages", () => {
  it("walks every matching user once, in id order, over several pages with inserts and deletes between them", async () => {
    const tag = newTag();
    const initial: string[] = [];
    for (let i = 0; i < 7; i++) initial.push(await createUser(`Pager ${tag} ${i}`));
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    let last: any;
    let deletedAfterSeen: string | undefined;
    do {
      const { users }: any = await admin.ok(USERS, { first: 3, after, search: tag });
      assert.ok(users.edges.length <= 3);
      seen.push(...users.edges.map((e: any) => e.node.id));
      after = users.pageInfo.endCursor;
      assert.equal(after, users.edges.at(-1)?.cursor ?? null);
      last = users;
      pages++;
      if (pages <= 3) {
        // New users land after everything seen; a deleted one (seen or not) must not shift the pages.
        await createUser(`Pager ${tag} late ${pages}a`);
        await createUser(`Pager ${tag} late ${pages}b`);
      }
      if (pages === 1) await admin.ok(DELETE_USER, { id: initial[4] });
      if (pages === 2) {
        // The row the cursor points at: the next page still starts right after it.
        deletedAfterSeen = seen.at(-1);
        await admin.ok(DELETE_USER, { id: deletedAfterSeen });
      }
    } while (last.pageInfo.hasNextPage);

    const expected = (await server.sql("SELECT id FROM users WHERE name LIKE ? ORDER BY id", [`Pager ${tag} %`])).map(
      (r: any) => String(r.id),
    );
    assert.ok(pages > 2, `${pages} pages`);
    assert.equal(new Set(seen).size, seen.length, "no user twice");
    assert.ok(!seen.includes(initial[4]), "a user deleted before its page never shows");
    assert.deepEqual(seen.filter((id) => id !== deletedAfterSeen), expected, "no user skipped, in id order");
    assert.equal(expected.length, 7 - 2 + 6);
    assert.equal(last.totalCount, expected.length);
  });

  it("pages through everyone without a search; `first` defaults to 20 (also when null)", async () => {
    await insertUsers(25, "Bulk Person");
    const total = Number((await server.sql("SELECT COUNT(*) AS n FROM users"))[0].n);
    for (const first of [undefined, null]) {
      const { users } = await admin.ok(USERS, { first });
      assert.equal(users.edges.length, 20);
      assert.equal(users.totalCount, total);
      assert.equal(users.pageInfo.hasNextPage, true);
    }
  });

  it("first: 0 gives no edges but the count, and whether there is more", async () => {
    const tag = newTag();
    await createUser(`Zero ${tag}`);
    const { users } = await admin.ok(USERS, { first: 0, search: tag });
    assert.deepEqual(users, { totalCount: 1, pageInfo: { hasNextPage: true, endCursor: null }, edges: [] });
  });

  it("first: 100 is allowed; above 100 or negative is BAD_USER_INPUT on fields.first", async () => {
    assert.deepEqual(codes(await admin.gql(USERS, { first: 100 })), []);
    for (const first of [101, 1000, -1]) {
      assert.deepEqual(badField(await admin.gql(USERS, { first })), ["BAD_USER_INPUT", ["first"]], String(first));
    }
  });

  it("a cursor that this API did not make is BAD_USER_INPUT on fields.after", async () => {
    const { users } = await admin.ok(USERS, { first: 1 });
    const good: string = users.pageInfo.endCursor;
    const forged = ["abc", good + "x", "YzE6NQ==", Buffer.from("c1:abc").toString("base64url"), Buffer.from("c1:-5").toString("base64url"), Buffer.from("5").toString("base64url")];
    for (const after of forged) {
      assert.deepEqual(badField(await admin.gql(USERS, { after })), ["BAD_USER_INPUT", ["after"]], after);
    }
  });
});

describe("users: search", () => {
  it("matches name or email as a substring, ignoring case", async () => {
    const tag = newTag();
    const byName = await createUser(`MiXeD ${tag} Case`);
    const byEmail = await createUser("Plain Name", `${tag}-Mail@Example.test`);
    assert.deepEqual(await search(tag.toUpperCase()), [byName, byEmail]);
    assert.deepEqual(await search(`mixed ${tag} CASE`), [byName]);
    assert.deepEqual(await search(`${tag}-MAIL@`), [byEmail]);
  });

  it("takes % and _ (and the escape character) literally", async () => {
    const tag = newTag();
    const percent = await createUser(`${tag}%y`);
    await createUser(`${tag}By`);
    const underscore = await createUser(`${tag}_x`);
    await createUser(`${tag}Ax`);
    const backslash = await createUser(`${tag}\\z`);
    assert.deepEqual(await search(`${tag}%`), [percent]);
    assert.deepEqual(await search(`${tag}_`), [underscore]);
    assert.deepEqual(await search(`${tag}\\`), [backslash]);
    assert.deepEqual(await search(`${tag}%%`), []);
  });

  it("ignores surrounding spaces, and an empty search is no filter", async () => {
    const tag = newTag();
    const id = await createUser(`Spaced ${tag}`);
    assert.deepEqual(await search(`  ${tag} `), [id]);
    const all = await admin.ok(USERS, { first: 0 });
    assert.equal((await admin.ok(USERS, { first: 0, search: "  " })).users.totalCount, all.users.totalCount);
  });

  it("is BAD_USER_INPUT on fields.search when longer than any email or name could match (254)", async () => {
    assert.deepEqual(badField(await admin.gql(USERS, { search: "x".repeat(255) })), ["BAD_USER_INPUT", ["search"]]);
  });

  it("is for ADMINs only", async () => {
    const { client } = await signUp(server);
    assert.deepEqual(codes(await client.gql(USERS, { search: "a" })), ["FORBIDDEN"]);
  });
});
