import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes, type TestClient } from "./helpers/client";
import { login, registerUser } from "./helpers/factories";
import { MariaDbReplication } from "./helpers/mariadb-replication";
import { freshDependencies, startTestServerOn, type TestServer } from "./helpers/server";
import { ADMIN_ENV, CREATE_PRODUCT, PRODUCT_FIELDS, addToCart, createProduct, loginAdmin, readCart, uniqueSku } from "./helpers/shop";
import { statementsByPort } from "./helpers/statements-by-server";
import { until } from "./helpers/until";

const PRODUCT = `query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
const PRODUCTS = `{ products(first: 100) { edges { node { id } } totalCount } }`;

// A MariaDB primary and a replica of the test's own (GTID replication); the API reads its catalog from the replica.
describe("MySQL read replicas", () => {
  let db: MariaDbReplication;
  let server: TestServer;
  let laggy: TestServer;
  let admin: TestClient;
  const dbName = "sg_replicas";

  const readyz = async (on: TestServer) => {
    const res = await fetch(new URL("/readyz", on.url));
    return { status: res.status, dependencies: ((await res.json()) as { dependencies: Record<string, string> }).dependencies };
  };
  /** Statements per server (primary, replica) for one request. */
  const onEach = async <T>(work: () => Promise<T>) => {
    const { result, byPort } = await statementsByPort(work);
    // Leaves out the replica monitors' own statements (each instance's, once a second).
    const requests = (port: number) => (byPort.get(port) ?? []).filter((sql) => !/@@gtid_/.test(sql));
    return { result, primary: requests(db.primary.port), replica: requests(db.replica.port) };
  };

  before(async () => {
    db = await MariaDbReplication.start();
    await db.primary.query(`CREATE DATABASE ${dbName} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    const { redisPrefix } = await freshDependencies("mysql_replicas");
    const env = {
      ...ADMIN_ENV,
      DATABASE_REPLICA_URLS: `${db.replica.url}/${dbName}`,
      // Long enough that the replica stays in use while this test holds its SQL thread.
      DATABASE_REPLICA_MAX_LAG_S: "60",
    };
    server = await startTestServerOn({ databaseUrl: `${db.primary.url}/${dbName}`, redisPrefix }, env);
    laggy = await startTestServerOn({ databaseUrl: `${db.primary.url}/${dbName}`, redisPrefix }, { ...env, DATABASE_REPLICA_MAX_LAG_S: "1" });
    admin = await loginAdmin(server.client());
    await db.caughtUp();
  });
  after(async () => {
    await laggy?.close();
    await server?.close();
    await db?.stop();
  });

  it("reads product and products from the replica, and everything else from the primary", async () => {
    const product = await createProduct(admin);
    await db.caughtUp();
    const visitor = server.client();
    // The admin's own write is on the replica once the monitor has seen it get there (a second or so).
    await until("the admin reads from the replica again", async () => (await onEach(() => admin.ok(PRODUCT, { id: product.id }))).replica.length > 0, { everyMs: 100 });

    const one = await onEach(() => visitor.ok(PRODUCT, { id: product.id }));
    assert.equal(one.result.product.id, product.id);
    assert.deepEqual([one.primary.length, one.replica.length], [0, 1], JSON.stringify(one));
    const page = await onEach(() => visitor.ok(PRODUCTS));
    assert.ok(page.result.products.edges.some((e: { node: { id: string } }) => e.node.id === product.id));
    assert.deepEqual([page.primary.length, page.replica.length], [0, 1], JSON.stringify(page));

    const user = await registerUser(visitor); // a write: on the primary
    const me = await onEach(() => visitor.ok(`{ me { id } cart { itemCount } }`));
    assert.equal(me.result.me.id, user.id);
    assert.equal(me.replica.length, 0, JSON.stringify(me));
    assert.deepEqual((await readyz(server)).dependencies["replica-1"], "up");
  });

  it("with the replica's SQL thread stopped: a visitor reads back their own writes at once, others see the replica, a demoted ADMIN is refused at once", async () => {
    const demoted = server.client();
    const other = await registerUser(demoted);
    await admin.ok(`mutation($id: ID!) { updateUser(id: $id, input: { role: ADMIN }) { id } }`, { id: other.id });
    await login(demoted, other.email);
    const shopper = server.client();
    const stocked = await createProduct(admin);
    await db.caughtUp();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the monitor sees the replica has it

    await db.stopSqlThread();
    try {
      const created = await createProduct(admin, { name: "Made while the replica waits" });
      const mine = await onEach(() => admin.ok(PRODUCT, { id: created.id }));
      assert.equal(mine.result.product?.name, "Made while the replica waits");
      assert.deepEqual([mine.replica.length, mine.primary.length > 0], [0, true]);
      assert.ok((await admin.ok(PRODUCTS)).products.edges.some((e: { node: { id: string } }) => e.node.id === created.id));
      // A visitor who has written nothing reads the replica, which has not applied it yet.
      assert.equal((await server.client().ok(PRODUCT, { id: created.id })).product, null);

      // A cart line: read back at once, and the shopper's catalog reads now come from the primary.
      const cart = await addToCart(shopper, stocked.id, 2);
      assert.deepEqual(cart.lines.map((l) => [l.product.id, l.quantity]), [[stocked.id, 2]]);
      assert.equal((await readCart(shopper)).itemCount, 2);
      const after = await onEach(() => shopper.ok(PRODUCT, { id: created.id }));
      assert.equal(after.result.product?.id, created.id);
      assert.equal(after.replica.length, 0);

      // Demoted: refused at once, whatever the replica holds.
      assert.equal((await admin.ok(`mutation($id: ID!) { updateUser(id: $id, input: { role: USER }) { role } }`, { id: other.id })).updateUser.role, "USER");
      await login(demoted, other.email); // a role change ends the user's sessions
      const refused = await demoted.gql(CREATE_PRODUCT, { input: { sku: uniqueSku(), name: "x", priceCents: 1, stock: 1 } });
      assert.deepEqual(codes(refused), ["FORBIDDEN"]);

      // The other instance allows 1 s of lag: it reports the replica lagging, stays ready, and reads from the primary.
      await until("the replica counts as lagging", async () => (await readyz(laggy)).dependencies["replica-1"] === "lagging", { everyMs: 100 });
      assert.equal((await readyz(laggy)).status, 200);
      const fallback = await onEach(() => laggy.client().ok(PRODUCT, { id: created.id }));
      assert.equal(fallback.result.product?.id, created.id);
      assert.equal(fallback.replica.length, 0);
    } finally {
      await db.startSqlThread();
    }
    await until("the replica is up again", async () => (await readyz(laggy)).dependencies["replica-1"] === "up", { everyMs: 100 });
  });

  it("goes on reading from the primary, without errors, when the replica is killed", async () => {
    const product = await createProduct(admin);
    await db.caughtUp();
    await db.replica.kill();
    const visitor = server.client();
    for (let i = 0; i < 5; i++) {
      const res = await visitor.gql(PRODUCT, { id: product.id });
      assert.equal(res.errors, undefined, JSON.stringify(res.errors));
      assert.equal(res.data.product.id, product.id);
    }
    const ready = await readyz(server);
    assert.deepEqual([ready.status, ready.dependencies.mysql, ready.dependencies["replica-1"]], [200, "up", "down"]);
  });
});

