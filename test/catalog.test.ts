import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { MAX_PRICE_CENTS } from "../src/catalog/product-rules";
import { codes, type TestClient } from "./helpers/client";
import { registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import {
  ADMIN_ENV,
  CREATE_PRODUCT,
  PRODUCT_FIELDS,
  UPDATE_PRODUCT,
  createProduct,
  loginAdmin,
  uniqueSku,
  updateProduct,
} from "./helpers/shop";

let server: TestServer;
let admin: TestClient;
let shopper: TestClient;
before(async () => {
  server = await startTestServer("catalog", ADMIN_ENV);
  admin = await loginAdmin(server.client());
  shopper = server.client();
  await registerUser(shopper);
});
after(() => server?.close());

const PRODUCT = `query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`;
const PRODUCTS = `query($first: Int, $after: String, $search: String) {
  products(first: $first, after: $after, search: $search) {
    edges { cursor node { ${PRODUCT_FIELDS} } } pageInfo { hasNextPage endCursor } totalCount } }`;

/** A word no other test's products contain, to search for this test's products only. */
const uniqueWord = () => `w${randomBytes(5).toString("hex")}`;

async function page(client: TestClient, variables: Record<string, unknown>) {
  return (await client.ok(PRODUCTS, variables)).products;
}

describe("createProduct", () => {
  it("creates a product with the defaults of the contract and an upper-cased SKU", async () => {
    const sku = uniqueSku("new").toLowerCase();
    const res = await admin.ok(CREATE_PRODUCT, { input: { sku, name: "  Teapot  ", priceCents: 1250, stock: 7 } });
    const product = res.createProduct;
    assert.match(product.id, /^\d+$/);
    assert.deepEqual(
      { ...product, id: undefined },
      { id: undefined, sku: sku.toUpperCase(), name: "Teapot", description: "", priceCents: 1250, stock: 7, active: true },
    );
  });

  it("refuses a SKU that exists, in any case, with CONFLICT", async () => {
    const sku = uniqueSku("dup");
    await createProduct(admin, { sku });
    const res = await admin.gql(CREATE_PRODUCT, { input: { sku: sku.toLowerCase(), name: "Again", priceCents: 1, stock: 1 } });
    assert.deepEqual(codes(res), ["CONFLICT"]);
    assert.equal(typeof res.errors![0].extensions!.fields.sku, "string");
  });

  const invalid: Array<[string, Record<string, unknown>, string]> = [
    ["a negative price", { priceCents: -1 }, "priceCents"],
    ["a negative stock", { stock: -5 }, "stock"],
    ["an empty SKU", { sku: "  " }, "sku"],
    ["a SKU with a space", { sku: "AB CD" }, "sku"],
    ["a SKU over 64 characters", { sku: "A".repeat(65) }, "sku"],
    ["an empty name", { name: " " }, "name"],
    ["a name over 200 characters", { name: "n".repeat(201) }, "name"],
    ["a description over 5000 characters", { description: "d".repeat(5001) }, "description"],
  ];
  for (const [what, overrides, field] of invalid) {
    it(`refuses ${what} with BAD_USER_INPUT on fields.${field}, creating nothing`, async () => {
      const input = { sku: uniqueSku("bad"), name: "Bad", priceCents: 100, stock: 1, ...overrides };
      const res = await admin.gql(CREATE_PRODUCT, { input });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
      assert.equal(typeof res.errors![0].extensions!.fields[field], "string");
      assert.deepEqual(await server.sql("SELECT id FROM products WHERE sku = ?", [String(input.sku).trim().toUpperCase()]), []);
    });
  }

  it("is FORBIDDEN to a USER and UNAUTHENTICATED to a visitor", async () => {
    const input = { sku: uniqueSku(), name: "Nope", priceCents: 1, stock: 1 };
    assert.deepEqual(codes(await shopper.gql(CREATE_PRODUCT, { input })), ["FORBIDDEN"]);
    assert.deepEqual(codes(await server.client().gql(CREATE_PRODUCT, { input })), ["UNAUTHENTICATED"]);
    assert.deepEqual(await server.sql("SELECT id FROM products WHERE sku = ?", [input.sku]), []);
  });

  it("accepts any price a GraphQL Int can hold: 5,000.00 and 2,147,483,647 cents", async () => {
    for (const priceCents of [500_000, MAX_PRICE_CENTS]) {
      const res = await admin.ok(CREATE_PRODUCT, { input: { sku: uniqueSku("dear"), name: "Dear", priceCents, stock: 1 } });
      assert.equal(res.createProduct.priceCents, priceCents);
    }
    assert.equal(MAX_PRICE_CENTS, 2 ** 31 - 1);
  });
});

describe("updateProduct", () => {
  it("changes the given fields only; a null field stays as it is", async () => {
    const product = await createProduct(admin, { name: "Old name", description: "Old", priceCents: 500, stock: 3 });
    const updated = await updateProduct(admin, product.id, { name: " New name ", priceCents: 750, description: null });
    assert.deepEqual(updated, { ...product, name: "New name", priceCents: 750 });
    const again = await updateProduct(admin, product.id, { stock: 0, active: false });
    assert.deepEqual(again, { ...updated, stock: 0, active: false });
  });

  it("answers NOT_FOUND for an id that does not exist or cannot exist", async () => {
    for (const id of ["999999999", "abc", "-1", "0"]) {
      const res = await admin.gql(UPDATE_PRODUCT, { id, input: { name: "X" } });
      assert.deepEqual(codes(res), ["NOT_FOUND"], id);
    }
  });

  it("refuses invalid values with BAD_USER_INPUT, changing nothing", async () => {
    const product = await createProduct(admin);
    const res = await admin.gql(UPDATE_PRODUCT, { id: product.id, input: { name: "Fine", stock: -1, priceCents: -2 } });
    assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
    assert.deepEqual(Object.keys(res.errors![0].extensions!.fields).sort(), ["priceCents", "stock"]);
    assert.deepEqual((await admin.ok(PRODUCT, { id: product.id })).product, product);
  });

  it("is FORBIDDEN to a USER and UNAUTHENTICATED to a visitor", async () => {
    const product = await createProduct(admin);
    const variables = { id: product.id, input: { priceCents: 1 } };
    assert.deepEqual(codes(await shopper.gql(UPDATE_PRODUCT, variables)), ["FORBIDDEN"]);
    assert.deepEqual(codes(await server.client().gql(UPDATE_PRODUCT, variables)), ["UNAUTHENTICATED"]);
    assert.equal((await shopper.ok(PRODUCT, { id: product.id })).product.priceCents, product.priceCents);
  });
});

describe("product(id)", () => {
  it("shows an active product to anyone", async () => {
    const product = await createProduct(admin);
    assert.deepEqual((await server.client().ok(PRODUCT, { id: product.id })).product, product);
  });

  it("is null for an inactive product, except to an ADMIN", async () => {
    const product = await createProduct(admin, { active: false });
    assert.equal((await server.client().ok(PRODUCT, { id: product.id })).product, null);
    assert.equal((await shopper.ok(PRODUCT, { id: product.id })).product, null);
    assert.deepEqual((await admin.ok(PRODUCT, { id: product.id })).product, product);
  });

  it("is null for an id that does not exist or cannot exist", async () => {
    for (const id of ["999999999", "x1", "1.5", "99999999999999999999"]) {
      assert.equal((await admin.ok(PRODUCT, { id })).product, null, id);
    }
  });
});

describe("products", () => {
  it("lists active products only, except to an ADMIN, who sees every one", async () => {
    const word = uniqueWord();
    const active = await createProduct(admin, { name: `Shown ${word}` });
    const inactive = await createProduct(admin, { name: `Hidden ${word}`, active: false });
    const forShopper = await page(shopper, { search: word });
    assert.deepEqual(forShopper.edges.map((e: any) => e.node.id), [active.id]);
    assert.equal(forShopper.totalCount, 1);
    const forAnyone = await page(server.client(), { search: word });
    assert.deepEqual(forAnyone.edges.map((e: any) => e.node.id), [active.id]);
    const forAdmin = await page(admin, { search: word });
    assert.deepEqual(forAdmin.edges.map((e: any) => e.node.id), [active.id, inactive.id]);
    assert.equal(forAdmin.totalCount, 2);
  });

  it("searches name and SKU case-insensitively", async () => {
    const word = uniqueWord();
    const byName = await createProduct(admin, { name: `Blue ${word.toUpperCase()} mug` });
    const bySku = await createProduct(admin, { sku: uniqueSku(word) });
    await createProduct(admin, { name: "Unrelated" });
    const found = await page(server.client(), { search: word.toLowerCase() });
    assert.deepEqual(found.edges.map((e: any) => e.node.id), [byName.id, bySku.id]);
    assert.equal(found.totalCount, 2);
  });

  it("takes % and _ in a search literally", async () => {
    const word = uniqueWord();
    const percent = await createProduct(admin, { name: `${word} 100% cotton` });
    const underscore = await createProduct(admin, { name: `${word} snake_case` });
    await createProduct(admin, { name: `${word} 100 cotton`, sku: uniqueSku("X") });
    await createProduct(admin, { name: `${word} snakeXcase` });
    assert.deepEqual((await page(server.client(), { search: `${word} 100%` })).edges.map((e: any) => e.node.id), [percent.id]);
    assert.deepEqual((await page(server.client(), { search: "e_c" })).edges.map((e: any) => e.node.id).filter((id: string) =>
      [percent.id, underscore.id].includes(id)), [underscore.id]);
    assert.equal((await page(server.client(), { search: `${word}%` })).totalCount, 0);
  });

  it("finds names with quotes and backslashes, as plain text", async () => {
    const word = uniqueWord();
    const quoted = await createProduct(admin, { name: `${word} O'Brien's \\ "best"` });
    const found = await page(server.client(), { search: `${word} O'Brien's \\ "` });
    assert.deepEqual(found.edges.map((e: any) => e.node.id), [quoted.id]);
    assert.equal((await page(server.client(), { search: `${word}' OR '1'='1` })).totalCount, 0);
  });

  it("pages through more than two pages without repeating or skipping a row while rows are inserted", async () => {
    const word = uniqueWord();
    const initial: string[] = [];
    for (let i = 0; i < 7; i++) initial.push((await createProduct(admin, { name: `Paged ${word} ${i}` })).id);
    const seen: string[] = [];
    const inserted: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const result: any = await page(server.client(), { first: 3, after, search: word });
      seen.push(...result.edges.map((e: any) => e.node.id));
      assert.equal(result.pageInfo.endCursor, result.edges.at(-1)?.cursor ?? null);
      pages++;
      if (!result.pageInfo.hasNextPage) break;
      after = result.pageInfo.endCursor;
      if (pages <= 2) inserted.push((await createProduct(admin, { name: `Paged ${word} late ${pages}` })).id);
    }
    assert.deepEqual(seen, [...initial, ...inserted]);
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(pages >= 3, `${pages} pages`);
  });

  it("answers the page after the last row with no edges and the total count", async () => {
    const word = uniqueWord();
    await createProduct(admin, { name: `Last ${word} 1` });
    await createProduct(admin, { name: `Last ${word} 2` });
    const all = await page(server.client(), { first: 2, search: word });
    assert.equal(all.pageInfo.hasNextPage, false);
    const beyond = await page(server.client(), { first: 2, after: all.pageInfo.endCursor, search: word });
    assert.deepEqual(beyond.edges, []);
    assert.deepEqual(beyond.pageInfo, { hasNextPage: false, endCursor: null });
    assert.equal(beyond.totalCount, 2);
  });

  it("answers first: 0 with no edges and the total count", async () => {
    const word = uniqueWord();
    await createProduct(admin, { name: `Counted ${word}` });
    const result = await page(server.client(), { first: 0, search: word });
    assert.deepEqual(result.edges, []);
    assert.equal(result.totalCount, 1);
    assert.equal(result.pageInfo.hasNextPage, true);
  });

  it("refuses first above 100 or below 0 with BAD_USER_INPUT on fields.first", async () => {
    for (const first of [101, -1]) {
      const res = await server.client().gql(PRODUCTS, { first });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
      assert.equal(typeof res.errors![0].extensions!.fields.first, "string");
    }
  });

  it("refuses a search over 200 characters with BAD_USER_INPUT on fields.search", async () => {
    const res = await server.client().gql(PRODUCTS, { search: "s".repeat(201) });
    assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
    assert.equal(typeof res.errors![0].extensions!.fields.search, "string");
  });

  it("refuses an invalid cursor with BAD_USER_INPUT on fields.after", async () => {
    for (const after of ["nonsense", Buffer.from("c1:abc").toString("base64url"), Buffer.from("c1:-4").toString("base64url")]) {
      const res = await server.client().gql(PRODUCTS, { after });
      assert.deepEqual(codes(res), ["BAD_USER_INPUT"], after);
      assert.equal(typeof res.errors![0].extensions!.fields.after, "string");
    }
  });
});
