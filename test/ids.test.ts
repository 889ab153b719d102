import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { startInstance, type Instance } from "./helpers/instances";
import { processEnv } from "./helpers/server";
import { ADMIN_ENV, addToCart, createProduct, loginAdmin } from "./helpers/shop";

describe("an id outside the id columns' range (INT UNSIGNED) names nothing", () => {
  let instance: Instance;
  before(async () => {
    instance = await startInstance(await processEnv("ids_range", ADMIN_ENV));
  });
  after(() => instance?.stop());

  for (const id of ["4294967296", "999999999999999", "4294967295"]) {
    it(`${id}: NOT_FOUND or null, and nothing logged at error level`, async () => {
      const admin = await loginAdmin(instance.client());
      // A cart that exists, so that the write reaches the cart's SQL.
      const client = instance.client();
      await addToCart(client, (await createProduct(admin)).id);
      await addToCart(admin, (await createProduct(admin)).id);
      assert.deepEqual(codes(await admin.gql(`mutation($id: ID!) { addToCart(productId: $id) { itemCount } }`, { id })), ["NOT_FOUND"]);
      assert.deepEqual(codes(await client.gql(`mutation($id: ID!) { addToCart(productId: $id) { itemCount } }`, { id })), ["NOT_FOUND"]);
      assert.deepEqual(await client.ok(`query($id: ID!) { product(id: $id) { id } }`, { id }), { product: null });
      assert.deepEqual(await admin.ok(`query($id: ID!) { user(id: $id) { id } }`, { id }), { user: null });
      assert.deepEqual(codes(await admin.gql(`mutation($id: ID!) { updateProduct(id: $id, input: { priceCents: 1 }) { id } }`, { id })), ["NOT_FOUND"]);
      assert.deepEqual(instance.logLines().filter((l) => l.level >= 50), []);
    });
  }
});
