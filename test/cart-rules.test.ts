import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { lineRefusal, refusalOfProcedure } from "../src/cart/cart";
import { MAX_CART_LINES, MAX_TOTAL_CENTS } from "../src/cart/cart-limits";
import { createCart, putLine, type LineState } from "../src/cart/cart-store";
import { writeCart } from "../src/cart/cart-writes";
import { writeCatalog } from "../src/catalog/catalog-writes";
import { callProcedure, runSql } from "../src/db/plain-sql";
import { startTestServer, type TestServer } from "./helpers/server";

/** What a line write answers: "applied", or the error's code and field. */
type Answer = "applied" | "NOT_FOUND" | "OUT_OF_STOCK" | "BAD_USER_INPUT quantity" | "BAD_USER_INPUT cart";

interface Case {
  name: string;
  /** The product (null: none), the line's quantity now, and the cart's other lines (price of each, quantity 1). */
  product: { stock: number; active: boolean; priceCents: number } | null;
  inCart: number;
  others: number[];
  input: { quantity: number; mode: "add" | "set" };
  expected: Answer;
}

const fill = (n: number, price = 1) => Array.from({ length: n }, () => price);
const product = (over: Partial<{ stock: number; active: boolean; priceCents: number }> = {}) => ({ stock: 100, active: true, priceCents: 100, ...over });

/** The cart's line rules, one table, run on the TypeScript rule (SQLite's) and on MySQL's cart_put_line. */
const cases: Case[] = [
  { name: "a new line", product: product(), inCart: 0, others: [], input: { quantity: 3, mode: "add" }, expected: "applied" },
  { name: "no such product", product: null, inCart: 0, others: [], input: { quantity: 1, mode: "add" }, expected: "NOT_FOUND" },
  { name: "an inactive product", product: product({ active: false }), inCart: 0, others: [], input: { quantity: 1, mode: "add" }, expected: "NOT_FOUND" },
  { name: "adding up to 99", product: product(), inCart: 90, others: [], input: { quantity: 9, mode: "add" }, expected: "applied" },
  { name: "adding past 99", product: product(), inCart: 90, others: [], input: { quantity: 10, mode: "add" }, expected: "BAD_USER_INPUT quantity" },
  { name: "past the stock", product: product({ stock: 5 }), inCart: 3, others: [], input: { quantity: 3, mode: "add" }, expected: "OUT_OF_STOCK" },
  { name: "set to the stock", product: product({ stock: 5 }), inCart: 3, others: [], input: { quantity: 5, mode: "set" }, expected: "applied" },
  { name: "a new line beyond the line limit", product: product(), inCart: 0, others: fill(MAX_CART_LINES), input: { quantity: 1, mode: "add" }, expected: "BAD_USER_INPUT cart" },
  { name: "the last line the limit allows", product: product(), inCart: 0, others: fill(MAX_CART_LINES - 1), input: { quantity: 1, mode: "add" }, expected: "applied" },
  { name: "an existing line of a full cart", product: product(), inCart: 1, others: fill(MAX_CART_LINES - 1), input: { quantity: 1, mode: "add" }, expected: "applied" },
  { name: "a total of exactly the maximum", product: product({ priceCents: MAX_TOTAL_CENTS - 10 }), inCart: 0, others: [10], input: { quantity: 1, mode: "add" }, expected: "applied" },
  { name: "a total past the maximum", product: product({ priceCents: MAX_TOTAL_CENTS - 10 }), inCart: 0, others: [11], input: { quantity: 1, mode: "add" }, expected: "BAD_USER_INPUT cart" },
  { name: "a line growing past the maximum", product: product({ priceCents: MAX_TOTAL_CENTS }), inCart: 1, others: [], input: { quantity: 1, mode: "add" }, expected: "BAD_USER_INPUT cart" },
  { name: "a line lowered in a cart already past the maximum", product: product({ priceCents: MAX_TOTAL_CENTS }), inCart: 3, others: [5], input: { quantity: 2, mode: "set" }, expected: "applied" },
  { name: "a line kept in a cart already past the maximum", product: product({ priceCents: MAX_TOTAL_CENTS }), inCart: 2, others: [], input: { quantity: 2, mode: "set" }, expected: "applied" },
  { name: "a free line in a cart past the maximum", product: product({ priceCents: 0 }), inCart: 0, others: [MAX_TOTAL_CENTS, MAX_TOTAL_CENTS], input: { quantity: 1, mode: "add" }, expected: "applied" },
];

const stateOf = (c: Case): LineState | null =>
  c.product && {
    stock: c.product.stock,
    active: c.product.active,
    priceCents: c.product.priceCents,
    lineCount: c.others.length + (c.inCart ? 1 : 0),
    inCart: c.inCart,
    otherTotalCents: c.others.reduce((sum, price) => sum + price, 0),
  };

function answerOf(error: Error | undefined): Answer {
  if (!error) return "applied";
  const { code, fields } = (error as any).extensions ?? {};
  return (code === "BAD_USER_INPUT" ? `${code} ${Object.keys(fields).join(",")}` : code) as Answer;
}

describe("the cart's line rules, in TypeScript (the SQLite path)", () => {
  for (const c of cases) {
    it(`${c.name}: ${c.expected}`, () => {
      assert.equal(answerOf(lineRefusal(stateOf(c), 1, c.input.quantity, c.input.mode)), c.expected);
    });
  }
});

describe("the cart's line rules, in MySQL's cart_put_line", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("cart-rules");
  });
  after(() => server?.close());

  const insertProduct = async (p: { stock: number; active: boolean; priceCents: number }) => {
    const sku = `RULE-${Date.now()}-${Math.random().toString(36).slice(2, 10)}`.toUpperCase();
    const result: any = await server.sql(
      "INSERT INTO products (sku, name, description, price_cents, stock, active, created_at, updated_at) VALUES (?, 'Rule', '', ?, ?, ?, NOW(3), NOW(3))",
      [sku, p.priceCents, p.stock, p.active],
    );
    return Number(result.insertId);
  };

  for (const c of cases) {
    it(`${c.name}: ${c.expected}, and it reports the state the table says`, async () => {
      const em = server.services.orm.em;
      const owner = { sessionKey: `rule-${Date.now()}-${Math.random()}` };
      // writeCart: the API refuses a write to carts outside it (it drops the owner's cached cart).
      const writer = { em, services: server.services };
      await writeCart(writer, owner, () => createCart(em, owner));
      const [{ id: cartId }] = await server.sql("SELECT id FROM carts WHERE session_key = ?", [owner.sessionKey]);
      for (const price of c.others) {
        const other = await insertProduct({ stock: 100, active: true, priceCents: price });
        await server.sql("INSERT INTO cart_lines (cart_id, product_id, quantity, created_at) VALUES (?, ?, 1, NOW(3))", [cartId, other]);
      }
      const productId = c.product ? await insertProduct(c.product) : 4_000_000_000;
      if (c.inCart) await server.sql("INSERT INTO cart_lines (cart_id, product_id, quantity, created_at) VALUES (?, ?, ?, NOW(3))", [cartId, productId, c.inCart]);
      const outcome = await writeCart(writer, owner, () => putLine(em, owner, productId, c.input.quantity, c.input.mode));
      if (outcome.applied) {
        assert.equal("applied", c.expected);
        const wanted = c.input.mode === "add" ? c.inCart + c.input.quantity : c.input.quantity;
        assert.equal(outcome.lines.find((line) => Number(line.id) === productId)?.quantity, wanted);
        return;
      }
      const expectedState = stateOf(c);
      assert.deepEqual(outcome.state, expectedState);
      assert.equal(answerOf(refusalOfProcedure(outcome.state, productId, c.input.quantity, c.input.mode)), c.expected);
    });
  }

  it("refuses a call inside an open transaction, committing none of the caller's work", async () => {
    const em = server.services.orm.em;
    const owner = { sessionKey: `rule-tx-${Date.now()}-${Math.random()}` };
    const writer = { em, services: server.services };
    await writeCart(writer, owner, () => createCart(em, owner));
    const productId = await insertProduct({ stock: 100, active: true, priceCents: 1 });
    const sku = `TX-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`.toUpperCase();
    await assert.rejects(
      // writeCatalog and writeCart: the API refuses writes to products and carts outside them (they empty the caches).
      writeCart(writer, owner, () =>
        writeCatalog(writer, () =>
          em.fork().transactional(async (tem) => {
            await runSql(tem, "INSERT INTO products (sku, name, description, price_cents, stock, active, created_at, updated_at) VALUES (?, 'Tx', '', 1, 1, 1, NOW(3), NOW(3))", [sku], "run");
            await callProcedure(tem, "cart_put_line", [null, owner.sessionKey, productId, 1, true, new Date()]);
          }),
        ),
      ),
      /call it outside one/,
    );
    assert.deepEqual(await server.sql("SELECT id FROM products WHERE sku = ?", [sku]), [], "the caller's insert was not committed");
    assert.deepEqual(await server.sql("SELECT cl.id FROM cart_lines cl JOIN carts c ON c.id = cl.cart_id WHERE c.session_key = ?", [owner.sessionKey]), []);
  });
});
