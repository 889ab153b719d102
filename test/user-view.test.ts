import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Role } from "../src/entities/role";
import { User } from "../src/entities/user.entity";
import { UserView, type UserFieldsRead } from "../src/entities/user-view";
import { startEmbeddedServer, startTestServer, type TestServer } from "./helpers/server";

// `me` and the authorization checks read the cached row's UserView; everything that changes a user maps
// the same row into an entity. A field the two convert differently would answer `me` differently from
// `user(id)`, or check a role the entity does not have.
const EDGES: Partial<User>[] = [
  { email: "view-admin@example.com", name: "Ünïcode ✓ admin", role: Role.ADMIN, emailVerified: true, twoFactorEnabled: true, createdAt: new Date("2001-02-03T04:05:06.789Z") },
  { email: "view-user@example.com", name: "", role: Role.USER, emailVerified: false, twoFactorEnabled: false, createdAt: new Date("2038-01-19T03:14:08.001Z") },
];

const fieldsOf = (u: UserFieldsRead) => ({
  id: u.id, email: u.email, name: u.name, emailVerified: u.emailVerified, role: u.role, twoFactorEnabled: u.twoFactorEnabled, createdAt: u.createdAt,
});

for (const [database, start] of [
  ["MySQL", () => startTestServer("user_view")],
  ["SQLite", () => startEmbeddedServer()],
] as const) {
  describe(`the logged-in user read as a view (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await start();
    });
    after(() => server?.close());

    it("has exactly the fields and values the ORM's entity has", async () => {
      const em = server.services.orm.em.fork();
      for (const fields of EDGES) {
        const user = em.create(User, { passwordHash: "not a hash", ...fields } as User);
        await em.persist(user).flush();
        const row = (await em.fork().getRepository(User).requestRow(user.id))!;
        const entity = await em.fork().findOneOrFail(User, user.id);
        const view = new UserView(row);
        assert.deepEqual({ ...view }, fieldsOf(entity));
        assert.deepEqual(Object.keys(view).sort(), Object.keys(fieldsOf(entity)).sort());
        for (const key of Object.keys(view) as (keyof UserView)[]) assert.equal(typeof view[key], typeof entity[key], key);
        assert.deepEqual(fieldsOf(em.fork().getRepository(User).mapRequestRow(row)), fieldsOf(entity));
      }
    });

    it("maps the shared row without changing it or sharing its Dates with the entity", async () => {
      const em = server.services.orm.em.fork();
      const user = em.create(User, { passwordHash: "not a hash", ...EDGES[0], email: "view-copy@example.com" } as User);
      await em.persist(user).flush();
      const row = Object.freeze((await em.fork().getRepository(User).requestRow(user.id))!);
      const before = new UserView(row);
      const entity = em.fork().getRepository(User).mapRequestRow(row);
      entity.name = "Changed";
      entity.createdAt.setTime(0);
      assert.deepEqual({ ...new UserView(row) }, { ...before });
      assert.notEqual(entity.createdAt, row.created_at);
    });
  });
}
