import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { STRONG_PASSWORD, USER_FIELDS, signUp, uniqueEmail, type SignedIn } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import { UPDATE_USER } from "./helpers/user-operations";

const CLIENTS = 20;

let server: TestServer;
before(async () => {
  server = await startTestServer("users_concurrency");
});
after(() => server?.close());

const rowsWithEmail = async (email: string) =>
  Number((await server.sql("SELECT COUNT(*) AS n FROM users WHERE email = ?", [email.toLowerCase()]))[0].n);

/** The codes of each response, "ok" for a success, sorted. */
const outcomes = (responses: Array<{ errors?: unknown[] }>) =>
  responses.map((res) => codes(res as any)[0] ?? "ok").sort();
const oneOkRestConflict = [...Array(CLIENTS - 1).fill("CONFLICT"), "ok"];

describe("one email, many clients at once", () => {
  it(`${CLIENTS} clients registering the same email (in varied case): one succeeds, the rest are CONFLICT`, async () => {
    const email = uniqueEmail("Race");
    const clients = Array.from({ length: CLIENTS }, () => server.client());
    const responses = await Promise.all(
      clients.map((client, i) =>
        client.gql(`mutation($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`, {
          input: { email: i % 2 ? email.toUpperCase() : email, name: `Racer ${i}`, password: STRONG_PASSWORD },
        }),
      ),
    );
    assert.deepEqual(outcomes(responses), oneOkRestConflict);
    assert.equal(await rowsWithEmail(email), 1);
    // Only the winner was logged in.
    const withCookie = await Promise.all(clients.map(async (c) => (await c.cookies()).length > 0));
    assert.equal(withCookie.filter(Boolean).length, 1);
  });

  it(`${CLIENTS} users changing their email to the same one at once: one succeeds, the rest are CONFLICT`, async () => {
    const users: SignedIn[] = [];
    for (let i = 0; i < CLIENTS; i++) users.push(await signUp(server));
    const email = uniqueEmail("Wanted");
    const responses = await Promise.all(
      users.map(({ client, user }, i) =>
        client.gql(UPDATE_USER, { id: user.id, input: { email: i % 2 ? email.toUpperCase() : email, currentPassword: STRONG_PASSWORD } }),
      ),
    );
    assert.deepEqual(outcomes(responses), oneOkRestConflict);
    assert.equal(await rowsWithEmail(email), 1);
    const winner = responses.findIndex((res) => !res.errors);
    const [row] = await server.sql("SELECT id FROM users WHERE email = ?", [email.toLowerCase()]);
    assert.equal(String(row.id), users[winner].user.id);
    for (const [i, { user }] of users.entries()) {
      if (i === winner) continue;
      const [own] = await server.sql("SELECT email FROM users WHERE id = ?", [user.id]);
      assert.equal(own.email, user.email, "a losing user keeps their email");
    }
  });
});
