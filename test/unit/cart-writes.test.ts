import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CartKey } from "../../src/cache/cart-cache";
import { UnguardedCartWriteError, guardCartWrites, touchCarts, writeCart, type CartWriter } from "../../src/cart/cart-writes";

/** A writer that records the owners it invalidates, on an EntityManager that is in a transaction or not. */
function writer(inTransaction = false) {
  const invalidated: CartKey[] = [];
  const ctx = {
    em: { isInTransaction: () => inTransaction },
    services: { cartInvalidation: { invalidate: async (owner: CartKey) => void invalidated.push(owner) } },
  } as unknown as CartWriter;
  return { ctx, invalidated };
}

const changesCarts = [
  // MikroORM on MySQL and SQLite, and the plain SQL of cart-store.ts and the sweeper.
  "insert into `carts` (`session_key`, `created_at`, `updated_at`) values (?, ?, ?)",
  "update carts set updated_at = ?, id = last_insert_id(id) where user_id = ?",
  'update "carts" set "updated_at" = ? where "id" = ?',
  "insert into `cart_lines` (`cart_id`, `product_id`, `quantity`, `created_at`) values (?, ?, ?, ?) on duplicate key update `quantity` = quantity + ?",
  'insert into "cart_lines" ("cart_id") values (?) on conflict ("cart_id", "product_id") do update set "quantity" = ?',
  "delete from `cart_lines` where `cart_id` = ? and `product_id` = ?",
  "delete from `carts` where `id` in (?, ?) and `user_id` is null and `updated_at` < ?",
  "DELETE cl FROM cart_lines cl JOIN carts c ON c.id = cl.cart_id",
  "replace into carts (id, session_key) values (?, ?)",
  // The procedure's own statements run on the server and never pass onQuery: its CALL is what is guarded.
  "call cart_put_line(?, ?, ?, ?, ?, ?)",
  "CALL cart_put_line(1, null, 2, 3, true, now())",
];

const leavesCartsAlone = [
  "select cl.quantity, p.id from cart_lines cl join carts c on c.id = cl.cart_id where c.user_id = ?",
  "select id, session_key from carts where user_id is null and updated_at < ? order by updated_at limit ?",
  "update `products` set `stock` = stock - ? where `id` = ?",
  "insert into `orders` (`user_id`, `total_cents`) values (?, ?)",
  "delete from `users` where `id` = ?",
  "update `cart_items_archive` set x = 1",
  // MikroORM 7 on SQLite, flushing a Cart it loaded and nobody changed.
  "update `carts` set `created_at` = ?, `updated_at` = ? where `id` = ?",
];

describe("writes to carts", () => {
  it("are refused outside writeCart", () => {
    for (const sql of changesCarts) assert.throws(() => guardCartWrites(sql), UnguardedCartWriteError, sql);
  });

  it("let reads, other tables' writes and SQLite's rewrite of unchanged timestamps through", () => {
    for (const sql of leavesCartsAlone) assert.equal(guardCartWrites(sql), sql);
  });

  it("pass inside writeCart, which drops each owner once when it ends, also when the write failed", async () => {
    const { ctx, invalidated } = writer();
    const owners: CartKey[] = [{ sessionKey: "guest" }, { userId: 3 }, { userId: 3 }];
    await writeCart(ctx, owners, async () => {
      for (const sql of changesCarts) assert.equal(guardCartWrites(sql), sql);
      assert.deepEqual(invalidated, [], "not before the write has ended");
    });
    assert.deepEqual(invalidated, [{ sessionKey: "guest" }, { userId: 3 }]);
    await assert.rejects(writeCart(ctx, { userId: 4 }, async () => assert.fail("the COMMIT's answer was lost")), /answer was lost/);
    assert.deepEqual(invalidated.at(-1), { userId: 4 });
    assert.throws(() => guardCartWrites(changesCarts[0]), UnguardedCartWriteError, "guarded again once it ended");
  });

  it("a writeCart inside another joins it: every owner dropped after the outer one ends", async () => {
    const { ctx, invalidated } = writer();
    await writeCart(ctx, { userId: 1 }, () => writeCart(ctx, { sessionKey: "merged" }, async () => assert.deepEqual(invalidated, [])));
    assert.deepEqual(invalidated, [{ userId: 1 }, { sessionKey: "merged" }]);
  });

  it("refuses to start inside a transaction it did not open (the drop would come before the commit)", async () => {
    const { ctx, invalidated } = writer(true);
    await assert.rejects(writeCart(ctx, { userId: 1 }, async () => undefined), /must open the transaction itself/);
    assert.deepEqual(invalidated, []);
  });

  it("touchCarts lets a cart's updated_at be written and drops nothing: no cart shows it", async () => {
    const touch = "update `carts` set `updated_at` = ? where `user_id` is null and `session_key` = ?";
    assert.throws(() => guardCartWrites(touch), UnguardedCartWriteError);
    assert.equal(await touchCarts(async () => guardCartWrites(touch)), touch);
  });
});
