import type { EntityManager } from "@mikro-orm/core";
import type { Context } from "../context";
import { selectRow } from "../db/plain-sql";
import { CartLine } from "../entities/cart-line.entity";
import type { Cart } from "../entities/cart.entity";
import { parseId } from "../entities/ids";
import { BadUserInputError, NotFoundError, OutOfStockError } from "../errors";
import type { CartView } from "../resolvers/cart.type";
import { MAX_CART_LINES, MAX_LINE_QUANTITY } from "./cart-limits";
import { currentOwner, ownerForWriting, type CartOwner } from "./cart-owner";
import { upsertLine, withLockedCart } from "./cart-store";
import { loadCart } from "./cart-view";

const isQuantity = (q: number, min: number) => Number.isInteger(q) && q >= min && q <= MAX_LINE_QUANTITY;

/** Reading never starts a session or creates a cart: no cart reads as an empty one. */
export function readCart(ctx: Context): Promise<CartView> {
  return loadCart(ctx.em, currentOwner(ctx));
}

export async function addToCart(ctx: Context, productId: string, quantity: number): Promise<CartView> {
  if (!isQuantity(quantity, 1)) throw new BadUserInputError({ quantity: `must be from 1 to ${MAX_LINE_QUANTITY}` });
  const { owner, id } = await ownerForLineWrite(ctx, productId, quantity);
  await withLockedCart(ctx.em, owner, async (tem, cart) => {
    await checkLine(tem, cart, id, (inCart) => inCart + quantity);
    await upsertLine(tem, cart, id, quantity, "add");
  });
  return loadCart(ctx.em.fork(), owner);
}

/** Sets a line's quantity; 0 removes it. */
export async function setCartQuantity(ctx: Context, productId: string, quantity: number): Promise<CartView> {
  if (!isQuantity(quantity, 0)) throw new BadUserInputError({ quantity: `must be from 0 to ${MAX_LINE_QUANTITY}` });
  if (quantity === 0) return removeFromCart(ctx, productId);
  const { owner, id } = await ownerForLineWrite(ctx, productId, quantity);
  await withLockedCart(ctx.em, owner, async (tem, cart) => {
    await checkLine(tem, cart, id, () => quantity);
    await upsertLine(tem, cart, id, quantity, "set");
  });
  return loadCart(ctx.em.fork(), owner);
}

/** A product that is not in the cart is a no-op; NOT_FOUND only when the product does not exist. */
export async function removeFromCart(ctx: Context, productId: string): Promise<CartView> {
  const product = await findProduct(ctx.em, productId, { activeOnly: false });
  const owner = currentOwner(ctx);
  if (owner) {
    await withLockedCart(ctx.em, owner, (tem, cart) => tem.nativeDelete(CartLine, { cart, product: product.id }), { create: false });
  }
  return loadCart(ctx.em.fork(), owner);
}

export async function clearCart(ctx: Context): Promise<CartView> {
  const owner = currentOwner(ctx);
  if (owner) await withLockedCart(ctx.em, owner, (tem, cart) => tem.nativeDelete(CartLine, { cart }), { create: false });
  return loadCart(ctx.em.fork(), owner);
}

/**
 * Whose cart a line write goes to, and the product's id. A visitor with no session yet is checked against
 * the product first, so that a refused write starts no session for them; anyone else is checked once, by
 * checkLine under the cart's lock, which sees the same product and the line as it is.
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
 * Under the cart's lock: would the line hold `wanted(quantity now in the cart)` and stay within 99,
 * the current stock, and the number of lines a cart may have?
 */
async function checkLine(tem: EntityManager, cart: Cart, productId: number, wanted: (inCart: number) => number): Promise<void> {
  // One plain query for what two ORM reads (the cart's lines, the product) used to fetch: this runs
  // inside the cart's lock on every cart write, where entity hydration was most of the cost.
  const row = await selectRow<LineCheckRow>(
    tem,
    `select p.stock, p.active,
       (select count(*) from cart_lines where cart_id = ?) as line_count,
       (select quantity from cart_lines where cart_id = ? and product_id = ?) as in_cart
     from products p where p.id = ?`,
    [cart.id, cart.id, productId, productId],
  );
  if (!row || !Number(row.active)) throw new NotFoundError("Product");
  const inCart = Number(row.in_cart ?? 0);
  const stock = Number(row.stock);
  const quantity = wanted(inCart);
  if (quantity > MAX_LINE_QUANTITY) {
    throw new BadUserInputError({ quantity: `would make ${quantity} in the cart; a line holds at most ${MAX_LINE_QUANTITY}` });
  }
  if (quantity > stock) throw new OutOfStockError(String(productId), stock);
  if (!inCart && Number(row.line_count) >= MAX_CART_LINES) {
    throw new BadUserInputError({ cart: `holds at most ${MAX_CART_LINES} different products` });
  }
}

interface LineCheckRow {
  stock: number;
  active: number | boolean;
  line_count: number | string;
  in_cart: number | null;
}
