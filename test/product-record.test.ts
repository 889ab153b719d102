import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { writeCatalog } from "../src/catalog/catalog-writes";
import { ProductRecord, productColumns, type ProductRow } from "../src/catalog/product-row";
import { selectRow } from "../src/db/plain-sql";
import { Product } from "../src/entities/product.entity";
import { startEmbeddedServer, startTestServer, type TestServer } from "./helpers/server";

// The listing and the cart read products as plain records; the ORM reads them as entities. A field the
// two convert differently would show differently in `products`/`cart` than in `product`.
const EDGES = [
  { sku: "REC-MAX", name: "Ünïcode ✓ name", description: "", priceCents: 2 ** 31 - 1, stock: 0, active: false },
  { sku: "REC-ONE", name: "One", description: "a\nb", priceCents: 1, stock: 2 ** 31 - 1, active: true },
];

const fieldsOf = (p: Pick<Product, keyof ProductRecord>) => ({
  id: p.id, sku: p.sku, name: p.name, description: p.description, priceCents: p.priceCents, stock: p.stock, active: p.active,
});

for (const [database, start] of [
  ["MySQL", () => startTestServer("product_record")],
  ["SQLite", () => startEmbeddedServer()],
] as const) {
  describe(`a product read as a plain record (${database})`, () => {
    let server: TestServer;
    before(async () => {
      server = await start();
    });
    after(() => server?.close());

    it("has exactly the fields and values the ORM's entity has", async () => {
      const em = server.services.orm.em.fork();
      for (const fields of EDGES) {
        const product = em.create(Product, fields);
        await writeCatalog({ em, services: server.services }, () => em.persist(product).flush());
        const row = await selectRow<ProductRow>(em.fork(), `select ${productColumns()} from products where id = ?`, [product.id]);
        const entity = await em.fork().findOneOrFail(Product, product.id);
        const record = new ProductRecord(row!);
        assert.deepEqual({ ...record }, fieldsOf(entity));
        assert.deepEqual(Object.keys(record).sort(), Object.keys(fieldsOf(entity)).sort());
        for (const key of Object.keys(record) as (keyof ProductRecord)[]) assert.equal(typeof record[key], typeof entity[key], key);
      }
    });
  });
}
