import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { STRONG_PASSWORD, login, registerUser } from "./helpers/factories";
import { freshDependencies, startTestServerOn, type TestServer } from "./helpers/server";
import { ADMIN_ENV, CHECKOUT, ORDER_FIELDS, addToCart, cartLines, createProduct, loginAdmin, readCart, updateProduct } from "./helpers/shop";

// A database as the previous release (MikroORM 6, on main) left it: its migrations applied, then an admin,
// two products, a shopper with one order and a saved cart, all made through its API. mysqldump of that
// database, with --routines for the cart procedure.
const DUMP = path.resolve(__dirname, "..", "..", "test", "fixtures", "previous-release.mysql.sql");
const SHOPPER = "old-shopper@example.test";

let server: TestServer;
before(async () => {
  const dependencies = await freshDependencies("upgrade");
  const url = new URL(dependencies.databaseUrl);
  const load = spawnSync(
    "mysql",
    ["-h", url.hostname, "-P", url.port || "3306", "-u", decodeURIComponent(url.username), url.pathname.slice(1)],
    { input: readFileSync(DUMP), env: { ...process.env, MYSQL_PWD: decodeURIComponent(url.password) } },
  );
  assert.equal(load.status, 0, String(load.stderr));
  server = await startTestServerOn(dependencies, ADMIN_ENV);
});
after(() => server?.close());

describe("a database made by the previous release, under this one", () => {
  it("keeps the migrations it had, by name, and has none pending", async () => {
    const applied = (await server.sql<{ name: string }>("select name from mikro_orm_migrations order by id")).map((r) => r.name);
    const dumped = [...readFileSync(DUMP, "utf8").matchAll(/'(Migration\d+)'/g)].map((m) => m[1]);
    assert.ok(dumped.length > 0);
    // The previous release's, in their order, then this release's own (applied at start).
    assert.deepEqual(applied.slice(0, dumped.length), dumped);
    assert.ok(applied.slice(dumped.length).includes("Migration20261204230000"), JSON.stringify(applied));
    assert.deepEqual(await server.services.orm.migrator.getPending(), []);
  });

  it("lets the old shopper in with the old password, with their saved cart and order", async () => {
    const shopper = server.client();
    const res = await login(shopper, SHOPPER, STRONG_PASSWORD);
    assert.equal(res.errors, undefined, JSON.stringify(res.errors));
    const cart = await readCart(shopper);
    assert.deepEqual(cart.lines.map((l) => [l.product.sku, l.quantity]), [["OLD-B", 3]]);
    assert.equal(cart.totalCents, 900);
    const orders = (await shopper.ok(`{ orders { edges { node { ${ORDER_FIELDS} } } totalCount } }`)).orders;
    assert.equal(orders.totalCount, 1);
    assert.deepEqual(orders.edges[0].node.lines.map((l: any) => [l.productName, l.quantity, l.unitPriceCents]), [["Old A", 2, 1250]]);
  });

  it("takes every write: cart lines through the procedure, checkout, products, users", async () => {
    const admin = await loginAdmin(server.client());
    const products = (await admin.ok(`{ products(first: 10) { edges { node { id sku stock } } } }`)).products.edges.map((e: any) => e.node);
    const a = products.find((p: any) => p.sku === "OLD-A");
    assert.equal(a.stock, 8); // 10, less the 2 the old release sold
    const shopper = server.client();
    await login(shopper, SHOPPER);
    await addToCart(shopper, a.id, 1);
    const order = (await shopper.ok(CHECKOUT)).checkout;
    assert.deepEqual(order.lines.map((l: any) => [l.productName, l.quantity]), [["Old B", 3], ["Old A", 1]]);
    assert.deepEqual(cartLines(await readCart(shopper)), []);
    assert.equal((await updateProduct(admin, a.id, { stock: 50 })).stock, 50);
    const fresh = await createProduct(admin, { stock: 2 });
    const newcomer = server.client();
    await registerUser(newcomer);
    assert.deepEqual(cartLines(await addToCart(newcomer, fresh.id, 2)), [[fresh.id, 2]]);
    const refused = await newcomer.gql(`mutation($id: ID!) { addToCart(productId: $id, quantity: 1) { itemCount } }`, { id: fresh.id });
    assert.deepEqual(refused.errors?.map((e: any) => e.extensions.code), ["OUT_OF_STOCK"]);
  });
});
