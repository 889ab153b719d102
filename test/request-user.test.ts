import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { me, registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

// With the user cache off (USER_CACHE_TTL_S=0), the logged-in user is read from the database on every
// request, so even a change made in SQL by hand takes effect on the very next request of every session.
// With the cache on (the default), see user-cache.test.ts.
describe("the logged-in user, per request, with the user cache off", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("request_user", { USER_CACHE_TTL_S: "0" });
  });
  after(() => server?.close());

  it("reflects a role or name changed in the database on the next request", async () => {
    const client = server.client();
    const user = await registerUser(client, { name: "Before Change" });
    assert.equal((await me(client))?.role, "USER");
    await server.sql("UPDATE users SET role = 'ADMIN', name = 'After Change' WHERE id = ?", [user.id]);
    const now = await client.ok(`{ me { role name } }`);
    assert.deepEqual(now.me, { role: "ADMIN", name: "After Change" });
  });

  it("treats a session whose user row is gone as anonymous", async () => {
    const client = server.client();
    const user = await registerUser(client);
    await server.sql("DELETE FROM users WHERE id = ?", [user.id]);
    assert.equal(await me(client), null);
    assert.deepEqual(codes(await client.gql(`{ sessions { id } }`)), ["UNAUTHENTICATED"]);
  });

  it("answers every User field with the stored values", async () => {
    const client = server.client();
    const user = await registerUser(client, { name: "Field Check" });
    const [row] = await server.sql("SELECT created_at FROM users WHERE id = ?", [user.id]);
    const answer = (await client.ok(`{ me { id email name role createdAt } }`)).me;
    assert.deepEqual(answer, { id: user.id, email: user.email, name: "Field Check", role: "USER", createdAt: (user as any).createdAt });
    assert.equal(new Date(answer.createdAt).getTime(), new Date(row.created_at).getTime());
  });
});
