import { UniqueConstraintViolationException, raw, type EntityManager } from "@mikro-orm/core";
import type { SqlEntityManager } from "@mikro-orm/sql";
import { MySqlPlatform } from "@mikro-orm/mysql";
import { callProcedure, runSql, selectRow } from "../db/plain-sql";
import { retryOnDeadlock } from "../db/retry";
import { Cart } from "../entities/cart.entity";
import { CartLine } from "../entities/cart-line.entity";
import { ownerKey, type CartOwner } from "./cart-owner";
import type { CartLineRow } from "./cart-view";
import { KeyedQueue } from "./keyed-queue";

/**
 * One visitor's overlapping cart writes wait here, in this process, rather than each holding a database
 * connection while it waits for the cart's row lock: a burst from one visitor then uses one connection
 * of the pool, not all of them. The row lock still orders writes across instances.
 */
const queue = new KeyedQueue();
const queueKey = (owner: CartOwner) => ("userId" in owner ? `user:${owner.userId}` : `session:${owner.sessionKey}`);

/**
 * Runs `change` in a short transaction holding the owner's cart row locked (on MySQL by the UPDATE that
 * touches it, see lockCart; SQLite runs one write transaction at a time anyway). Every write to a cart goes through here,
 * so checks like "at most 99" and "no more than the stock" see every earlier write of the same visitor,
 * however many of their requests overlap. The cart row is created first when it does not exist, unless
 * `create` is false: then `change` is not called and the result is undefined.
 */
export function withLockedCart<T>(
  em: EntityManager,
  owner: CartOwner,
  change: (tem: EntityManager, cart: Cart) => Promise<T>,
  options: { create?: boolean } = {},
): Promise<T | undefined> {
  return queue.run(queueKey(owner), () => inLockedCart(em, owner, change, options));
}

/** withLockedCart without the in-process queue: the database's guarantee alone (exported for its test). */
export async function inLockedCart<T>(
  em: EntityManager,
  owner: CartOwner,
  change: (tem: EntityManager, cart: Cart) => Promise<T>,
  { create = true }: { create?: boolean } = {},
): Promise<T | undefined> {
  // A cart can vanish between its creation and the lock (a login merging it away): look again then.
  for (let attempt = 0; attempt < 3; attempt++) {
    const outcome = await retryOnDeadlock(() =>
      em.fork().transactional(async (tem) => {
        const cart = await lockCart(tem, owner);
        if (!cart) return { missing: true as const };
        return { missing: false as const, value: await change(tem, cart) };
      }),
    );
    if (!outcome.missing) return outcome.value;
    if (!create) return undefined;
    await createCart(em, owner);
  }
  throw new Error("the cart kept disappearing");
}

/**
 * Locks the owner's cart row and touches its updated_at, which the sweep of abandoned carts goes by. On
 * MySQL one UPDATE does both (it takes the row lock) and hands back the row's id through
 * LAST_INSERT_ID(id); SQLite has no row locks and runs one write transaction at a time, so a SELECT then
 * an UPDATE. Plain SQL and a reference rather than a loaded entity: every cart write passes here, and
 * loading the row as an entity and flushing its change cost more than the rest of the transaction.
 */
async function lockCart(tem: EntityManager, owner: CartOwner): Promise<Cart | null> {
  const [column, key] = "userId" in owner ? ["user_id", owner.userId] : ["session_key", owner.sessionKey];
  if (tem.getPlatform() instanceof MySqlPlatform) {
    const result = await runSql<{ insertId: number }>(
      tem,
      `update carts set updated_at = ?, id = last_insert_id(id) where ${column} = ?`,
      [new Date(), key],
      "run",
    );
    // No row matched: LAST_INSERT_ID(id) was never evaluated and the insert id is 0 (ids start at 1).
    return result.insertId ? tem.getReference(Cart, Number(result.insertId)) : null;
  }
  const row = await selectRow<{ id: number }>(tem, `select id from carts where ${column} = ?`, [key]);
  if (!row) return null;
  await tem.nativeUpdate(Cart, { id: Number(row.id) }, { updatedAt: new Date() });
  return tem.getReference(Cart, Number(row.id));
}

/** The product and the line as a line write finds them under the cart's lock (null: no such product). */
export interface LineState {
  stock: number;
  active: boolean;
  /** How many different products the cart holds. */
  lineCount: number;
  /** The line's quantity now (0: no line). */
  inCart: number;
  /** The product's current price. */
  priceCents: number;
  /** The cart's total at current prices without this product's line. */
  otherTotalCents: number;
}

/** An applied write comes back with the cart's lines as they are after it (see putLine). */
export type PutLineOutcome = { applied: true; lines: CartLineRow[] } | { applied: false; state: LineState | null };

/**
 * A line write on MySQL in one round trip: the cart_put_line procedure (src/cart/cart-put-line.sql.ts) locks
 * and touches the owner's cart, reads the product and the line, and writes the line only when the rules of
 * lineRefusal allow it (limits from cart-limits.ts), all in one transaction on the server: sent one by
 * one, the statements would hold the cart's lock across several round trips. An applied write comes back
 * with the cart's lines (a second result set, read after the commit as loadCart would, saving the round
 * trip of reading the cart back); a refused one with what the procedure saw, for the caller to name the
 * rule it broke. The cart row is created first when it does not exist.
 */
export function putLine(
  em: EntityManager,
  owner: CartOwner,
  productId: number,
  quantity: number,
  mode: "add" | "set",
): Promise<PutLineOutcome> {
  const args = [
    "userId" in owner ? owner.userId : null,
    "sessionKey" in owner ? owner.sessionKey : null,
    productId,
    quantity,
    mode === "add",
    new Date(),
  ];
  return queue.run(queueKey(owner), async () => {
    // As in inLockedCart: a cart can vanish between its creation and the write (a login merging it away).
    for (let attempt = 0; attempt < 3; attempt++) {
      const [[row], lines] = (await retryOnDeadlock(() => callProcedure(em, "cart_put_line", args))) as [[PutLineRow], CartLineRow[]?];
      if (row?.outcome === "applied" && lines) return { applied: true, lines };
      if (row?.outcome === "refused") return { applied: false, state: lineState(row) };
      if (row?.outcome !== "missing") throw new Error(`cart_put_line answered ${JSON.stringify(row)}`);
      await createCart(em, owner);
    }
    throw new Error("the cart kept disappearing");
  });
}

interface PutLineRow {
  outcome: "missing" | "applied" | "refused";
  stock: number | null;
  active: number | null;
  line_count: number | string | null;
  in_cart: number | null;
  price_cents: number | null;
  other_total: number | string | null;
}

/** The state read by plain SQL (the procedure's row, or the SQLite check), as numbers; null: no product. */
export function lineState(row: LineStateRow): LineState | null {
  if (row.stock === null) return null;
  return {
    stock: Number(row.stock),
    active: Boolean(Number(row.active)),
    lineCount: Number(row.line_count),
    inCart: Number(row.in_cart ?? 0),
    priceCents: Number(row.price_cents),
    otherTotalCents: Number(row.other_total ?? 0),
  };
}

/** The columns of a line's state, as the procedure and the SQLite check both select them. */
export interface LineStateRow {
  stock: number | null;
  active: number | boolean | null;
  line_count: number | string | null;
  in_cart: number | null;
  price_cents: number | null;
  other_total: number | string | null;
}

/**
 * Inserts the owner's cart row, or does nothing when it exists: the unique key decides, so fifty
 * requests creating the same cart at once end with one. A plain insert that may fail, rather than
 * an upsert, because concurrent upserts of one new key deadlock each other on MySQL.
 */
export async function createCart(em: EntityManager, owner: CartOwner): Promise<void> {
  const now = new Date();
  try {
    await em.fork().insert(Cart, { ...ownerKey(owner), createdAt: now, updatedAt: now });
  } catch (err) {
    if (!(err instanceof UniqueConstraintViolationException)) throw err;
  }
}

/**
 * Adds to a line's quantity (creating the line) in one statement: INSERT ... ON DUPLICATE KEY UPDATE
 * on MySQL, ON CONFLICT DO UPDATE on SQLite. With `mode: "set"` the quantity replaces the old one.
 */
export async function upsertLine(
  tem: EntityManager,
  cart: Cart,
  productId: number,
  quantity: number,
  mode: "add" | "set",
): Promise<void> {
  // Both drivers (MySQL, SQLite) are SQL ones, so the query builder is there.
  await (tem as SqlEntityManager)
    .createQueryBuilder(CartLine)
    .insert({ cart: cart.id, product: productId, quantity, createdAt: new Date() })
    .onConflict(["cart", "product"])
    .merge({ quantity: mode === "add" ? raw("quantity + ?", [quantity]) : quantity })
    .execute(); // MikroORM 7's query builder is no longer a thenable
}
