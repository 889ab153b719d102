import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnguardedCatalogWriteError, guardCatalogWrites, writeCatalog, type CatalogWriter } from "../../src/catalog/catalog-writes";

/** A writer that counts its invalidations, on an EntityManager that is in a transaction or not. */
function writer(inTransaction = false) {
  let invalidations = 0;
  const ctx = {
    em: { isInTransaction: () => inTransaction },
    services: { catalogInvalidation: { invalidate: async () => void invalidations++ } },
  } as unknown as CatalogWriter;
  return { ctx, invalidations: () => invalidations };
}

const changesProducts = [
  "insert into `products` (`sku`, `name`) values (?, ?)",
  'insert into "products" ("sku") values (?)',
  "INSERT INTO products (sku, name) VALUES (?, 'Rule')",
  "update `products` set `stock` = stock - ?, `updated_at` = ? where `id` = ? and `active` = ? and `stock` >= ?",
  'update "products" set "name" = ? where "id" = ?',
  "update `products` set `created_at` = ?, `updated_at` = ?, `stock` = ? where `id` = ?",
  "update `products` set `created_at` = case when (`id` = ?) then ? else `created_at` end, `updated_at` = ?, `name` = ? where `id` = ?",
  "delete from `products` where `id` = ?",
  "replace into products (id, sku) values (?, ?)",
];

const leavesProductsAlone = [
  "select id, sku, name from products where active = 1 order by id asc limit ?",
  "select stock, active into v_stock from products where id = ?",
  "insert into `order_lines` (`product_id`) values (?)",
  "update `carts` set `updated_at` = ? where `id` = ?",
  "delete from `cart_lines` where `cart_id` = ?",
  "call cart_put_line(?, ?, ?, ?, ?, ?)",
  // MikroORM 7 on SQLite, flushing a Product it loaded and nobody changed.
  "update `products` set `created_at` = ?, `updated_at` = ? where `id` = ?",
  "update `products` set `created_at` = case when (`id` = ?) then ? when (`id` = ?) then ? else `created_at` end, " +
    "`updated_at` = case when (`id` = ?) then ? when (`id` = ?) then ? else `updated_at` end where `id` in (?, ?) returning `id`",
];

describe("writes to products", () => {
  it("are refused outside writeCatalog", () => {
    for (const sql of changesProducts) assert.throws(() => guardCatalogWrites(sql), UnguardedCatalogWriteError, sql);
  });

  it("let reads and other tables' writes through", () => {
    for (const sql of leavesProductsAlone) assert.equal(guardCatalogWrites(sql), sql);
  });

  it("pass inside writeCatalog, which empties the catalog cache once when it ends, also when the write failed", async () => {
    const { ctx, invalidations } = writer();
    await writeCatalog(ctx, async () => {
      for (const sql of changesProducts) assert.equal(guardCatalogWrites(sql), sql);
      assert.equal(invalidations(), 0, "not before the write has ended");
    });
    assert.equal(invalidations(), 1);
    await assert.rejects(writeCatalog(ctx, async () => assert.fail("the COMMIT's answer was lost")), /answer was lost/);
    assert.equal(invalidations(), 2);
    assert.throws(() => guardCatalogWrites(changesProducts[0]), UnguardedCatalogWriteError, "guarded again once it ended");
  });

  it("a writeCatalog inside another joins it: one invalidation, after the outer one", async () => {
    const { ctx, invalidations } = writer();
    await writeCatalog(ctx, () => writeCatalog(ctx, async () => assert.equal(invalidations(), 0)));
    assert.equal(invalidations(), 1);
  });

  it("refuses to start inside a transaction it did not open (the drop would come before the commit)", async () => {
    const { ctx, invalidations } = writer(true);
    await assert.rejects(writeCatalog(ctx, async () => undefined), /must open the transaction itself/);
    assert.equal(invalidations(), 0);
  });
});
