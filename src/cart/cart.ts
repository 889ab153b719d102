import type { EntityManager } from "@mikro-orm/core";
import { MySqlPlatform } from "@mikro-orm/mysql";
import type { Context } from "../context";
import { selectRow } from "../db/plain-sql";
import { CartLine } from "../entities/cart-line.entity";
import { parseId } from "../entities/ids";
import { BadUserInputError, NotFoundError, OutOfStockError } from "../errors";
import type { CartView } from "./cart-view";
import { MAX_CART_LINES, MAX_LINE_QUANTITY, MAX_TOTAL_CENTS } from "./cart-limits";
import { currentOwner, ownerForWriting, type CartOwner } from "./cart-owner";
import { lineState, putLine, upsertLine, withLockedCart, type LineState, type LineStateRow } from "./cart-store";
import { cartView, freezeCart, loadCart } from "./cart-view";
import { writeCart } from "./cart-writes";

const isQuantity = (q: number, min: number) => Number.isInteger(q) && q >= min && q <= MAX_LINE_QUANTITY;

/**
 * Reading never starts a session or creates a cart: no cart reads as an empty one. Served from the cart
 * cache when it holds the owner's cart (every write to it through the API drops it on every instance first).
 */
export function readCart(ctx: Context): Promise<CartView> {
  const owner = currentOwner(ctx);
  if (!owner) return loadCart(ctx.em, owner);
  return ctx.services.cartCache.read(owner, async () => freezeCart(await loadCart(ctx.em, owner)));
}

export async function addToCart(ctx: Context, productId: string, quantity: number): Promise<CartView> {
  if (!isQuantity(quantity, 1)) throw new BadUserInputError({ quantity: `must be from 1 to ${MAX_LINE_QUANTITY}` });
  const { owner, id } = await ownerForLineWrite(ctx, productId, quantity);
  return writeCart(ctx, owner, () => writeLine(ctx.em, owner, id, quantity, "add"));
}

/** Sets a line's quantity; 0 removes it. */
export async function setCartQuantity(ctx: Context, productId: string, quantity: number): Promise<CartView> {
  if (!isQuantity(quantity, 0)) throw new BadUserInputError({ quantity: `must be from 0 to ${MAX_LINE_QUANTITY}` });
  if (quantity === 0) return removeFromCart(ctx, productId);
  const { owner, id } = await ownerForLineWrite(ctx, productId, quantity);
  return writeCart(ctx, owner, () => writeLine(ctx.em, owner, id, quantity, "set"));
}

/** A product that is not in the cart is a no-op; NOT_FOUND only when the product does not exist. */
export async function removeFromCart(ctx: Context, productId: string): Promise<CartView> {
  const product = await findProduct(ctx.em, productId, { activeOnly: false });
  const owner = currentOwner(ctx);
  if (owner) {
    await writeCart(ctx, owner, () =>
      withLockedCart(ctx.em, owner, (tem, cart) => tem.nativeDelete(CartLine, { cart, product: product.id }), { create: false }),
    );
  }
  return loadCart(ctx.em.fork(), owner);
}

export async function clearCart(ctx: Context): Promise<CartView> {
  const owner = currentOwner(ctx);
  if (owner) await writeCart(ctx, owner, () => withLockedCart(ctx.em, owner, (tem, cart) => tem.nativeDelete(CartLine, { cart }), { create: false }));
  return loadCart(ctx.em.fork(), owner);
}

/**
 * Whose cart a line write goes to, and the product's id. A visitor with no session yet is checked against
 * the product first, so that a refused write starts no session for them; anyone else is checked once, by
 * writeLine under the cart's lock, which sees the same product and the line as it is.
 */
async function ownerForLineWrite(ctx: Context, productId: string, quantity: number): Promise<{ owner: CartOwner; id: number }> {
  const owner = currentOwner(ctx);
  if (owner) {
    const id = parseId(productId);
    if (id === null) throw new NotFoundError("Product");
    return { owner, id };
  }
  const product = await findProduct(ctx.em, productId, { activeOnly: true });
  if (quantity > product.stock) throw new OutOfStockError(String(product.id), product.stock);
  return { owner: await ownerForWriting(ctx), id: product.id };
}

/** What a cart write needs to know of a product, read as plain SQL (no entity to build for it). */
interface ProductState {
  id: number;
  stock: number;
  active: boolean;
}

async function findProduct(em: EntityManager, id: string, { activeOnly }: { activeOnly: boolean }): Promise<ProductState> {
  const productId = parseId(id);
  const row: { id: number; stock: number; active: number | boolean } | undefined =
    productId === null ? undefined : await selectRow(em, "select id, stock, active from products where id = ?", [productId]);
  const product = row && { id: Number(row.id), stock: Number(row.stock), active: Boolean(Number(row.active)) };
  // An inactive product cannot be added: to a shopper it does not exist.
  if (!product || (activeOnly && !product.active)) throw new NotFoundError("Product");
  return product;
}

/**
 * Adds `quantity` to the product's line (mode "add") or sets the line to it ("set"), refusing with the API's
 * error when the line would break a rule. On MySQL the cart_put_line procedure does the whole write in one
 * round trip (putLine); on SQLite, which has no procedures and runs one write transaction at a time, the
 * same steps run as statements in a transaction. Both decide by the rules of lineRefusal. Answers the cart
 * as it is after the write: on MySQL as the procedure read it, on SQLite read back.
 */
async function writeLine(em: EntityManager, owner: CartOwner, productId: number, quantity: number, mode: "add" | "set"): Promise<CartView> {
  if (em.getPlatform() instanceof MySqlPlatform) {
    const outcome = await putLine(em, owner, productId, quantity, mode);
    if (outcome.applied) return cartView(outcome.lines);
    throw refusalOfProcedure(outcome.state, productId, quantity, mode);
  }
  await withLockedCart(em, owner, async (tem, cart) => {
    const row = await selectRow<LineStateRow>(
      tem,
      `select p.stock, p.active, p.price_cents,
         (select count(*) from cart_lines where cart_id = ?) as line_count,
         (select quantity from cart_lines where cart_id = ? and product_id = ?) as in_cart,
         (select coalesce(sum(cl.quantity * o.price_cents), 0) from cart_lines cl join products o on o.id = cl.product_id
           where cl.cart_id = ? and cl.product_id <> ?) as other_total
       from products p where p.id = ?`,
      [cart.id, cart.id, productId, cart.id, productId, productId],
    );
    const state = row ? lineState(row) : null;
    const refusal = lineRefusal(state, productId, quantity, mode);
    if (refusal) throw refusal;
    await upsertLine(tem, cart, productId, quantity, mode);
  });
  return loadCart(em, owner);
}

/**
 * The rules of a line write, given the product and the line as they are under the cart's lock: the error
 * to answer with, or undefined when the line may be written. The line would hold `quantity` more ("add")
 * or exactly `quantity` ("set"); it must stay within 99, within the current stock, and a new line within
 * the number of lines a cart may have, and a write that raises the cart's total (at current prices) must keep
 * it within MAX_TOTAL_CENTS. One that does not raise it passes that last rule even when the total is already
 * above it (a price raised since), so the shopper can always come back under it.
 * An inactive product cannot be added: to a shopper it does not exist. The MySQL procedure
 * (cart-put-line.sql.ts) applies the same rules; test/cart-rules.test.ts runs one table of cases on both.
 */
export function lineRefusal(state: LineState | null, productId: number, quantity: number, mode: "add" | "set"): Error | undefined {
  if (!state || !state.active) return new NotFoundError("Product");
  const wanted = mode === "add" ? state.inCart + quantity : quantity;
  if (wanted > MAX_LINE_QUANTITY) {
    return new BadUserInputError({ quantity: `would make ${wanted} in the cart; a line holds at most ${MAX_LINE_QUANTITY}` });
  }
  if (wanted > state.stock) return new OutOfStockError(String(productId), state.stock);
  if (!state.inCart && state.lineCount >= MAX_CART_LINES) {
    return new BadUserInputError({ cart: `holds at most ${MAX_CART_LINES} different products` });
  }
  if (wanted * state.priceCents > state.inCart * state.priceCents && state.otherTotalCents + wanted * state.priceCents > MAX_TOTAL_CENTS) {
    return new BadUserInputError({ cart: `total would pass ${MAX_TOTAL_CENTS} cents` });
  }
  return undefined;
}

/**
 * The error for a write the cart_put_line procedure refused. It applies the rules of lineRefusal in SQL, so
 * lineRefusal names the one broken; should the two ever disagree, that is a bug, answered as an internal error.
 */
export function refusalOfProcedure(state: LineState | null, productId: number, quantity: number, mode: "add" | "set"): Error {
  return (
    lineRefusal(state, productId, quantity, mode) ??
    new Error(`cart_put_line refused a line the rules allow: ${JSON.stringify({ state, productId, quantity, mode })}`)
  );
}
