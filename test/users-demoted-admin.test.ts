import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { STRONG_PASSWORD, createAdmin, me, signUp, uniqueEmail, type SignedIn } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import { CREATE_PRODUCT, UPDATE_PRODUCT, uniqueSku } from "./helpers/shop";
import { DELETE_USER, UPDATE_USER } from "./helpers/user-operations";

let server: TestServer;
before(async () => {
  server = await startTestServer("users_demoted_admin");
});
after(() => server?.close());

/**
 * An ADMIN demoted while their request runs: the request loaded them as ADMIN before the demotion. The
 * demotion is made in SQL without flushing the user caches, so every later request of theirs still loads
 * them as ADMIN (`me` shows it): exactly the view of a request that began before the demotion. Each
 * privileged write must check the role as stored, inside its transaction.
 */
describe("an ADMIN demoted during a request loses admin rights at once", () => {
  let admin: SignedIn;
  let other: SignedIn;
  let productId: string;

  before(async () => {
    admin = await createAdmin(server);
    other = await signUp(server);
    productId = (await admin.client.ok(CREATE_PRODUCT, { input: { sku: uniqueSku(), name: "Before", priceCents: 100, stock: 1 } })).createProduct.id;
    assert.equal((await me(admin.client))?.role, "ADMIN");
    await server.sql("UPDATE users SET role = 'USER' WHERE id = ?", [admin.user.id]);
    assert.equal((await me(admin.client))?.role, "ADMIN", "the request still sees the role it loaded");
  });

  it("createUser: FORBIDDEN, no account made", async () => {
    const email = uniqueEmail("by-demoted");
    const res = await admin.client.gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`, {
      input: { email, name: "Nobody", password: STRONG_PASSWORD, role: "ADMIN" },
    });
    assert.deepEqual(codes(res), ["FORBIDDEN"]);
    assert.deepEqual(await server.sql("SELECT id FROM users WHERE email = ?", [email]), []);
  });

  it("updateUser promoting someone: FORBIDDEN, the role stays; and many createUser before it change nothing", async () => {
    const creates = Array.from({ length: 3 }, (_, i) => `c${i}: createUser(input: { email: "${uniqueEmail("many")}", name: "N", password: "${STRONG_PASSWORD}" }) { id }`);
    const res = await admin.client.gql(`mutation { ${creates.join(" ")} p: updateUser(id: "${other.user.id}", input: { role: ADMIN }) { role } }`);
    assert.deepEqual(codes(res), ["FORBIDDEN"]);
    assert.equal(res.data, undefined);
    assert.equal((await server.sql("SELECT role FROM users WHERE id = ?", [other.user.id]))[0].role, "USER");
    assert.deepEqual(await server.sql("SELECT id FROM users WHERE email LIKE 'many-%'"), []);
    const renamed = await admin.client.gql(UPDATE_USER, { id: other.user.id, input: { name: "Renamed by a former ADMIN" } });
    assert.deepEqual(codes(renamed), ["FORBIDDEN"]);
  });

  it("deleteUser of someone else: FORBIDDEN, the account stays", async () => {
    assert.deepEqual(codes(await admin.client.gql(DELETE_USER, { id: other.user.id })), ["FORBIDDEN"]);
    assert.equal((await server.sql("SELECT id FROM users WHERE id = ?", [other.user.id])).length, 1);
  });

  it("createProduct and updateProduct: FORBIDDEN, the catalog unchanged", async () => {
    const sku = uniqueSku();
    assert.deepEqual(codes(await admin.client.gql(CREATE_PRODUCT, { input: { sku, name: "After", priceCents: 100, stock: 1 } })), ["FORBIDDEN"]);
    assert.deepEqual(await server.sql("SELECT id FROM products WHERE sku = ?", [sku]), []);
    assert.deepEqual(codes(await admin.client.gql(UPDATE_PRODUCT, { id: productId, input: { priceCents: 1 } })), ["FORBIDDEN"]);
    assert.equal((await server.sql("SELECT price_cents FROM products WHERE id = ?", [productId]))[0].price_cents, 100);
  });

  it("their own name and email they may still change", async () => {
    const res = await admin.client.gql(UPDATE_USER, { id: admin.user.id, input: { name: "Former admin" } });
    assert.deepEqual(codes(res), []);
  });
});
