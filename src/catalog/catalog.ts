import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { assertActingAdmin, requireUser, type Context } from "../context";
import { lockingTransaction } from "../db/locking-transaction";
import { Product } from "../entities/product.entity";
import { parseId } from "../entities/ids";
import type { Connection, PageArgs } from "../db/pagination";
import type { ProductRecord } from "./product-row";
import { Role } from "../entities/role";
import { assertValid, BadUserInputError, ConflictError, NotFoundError } from "../errors";
import { productPage } from "./product-page";
import { normalizeSku, productProblems, type ProductFields } from "./product-rules";

export type ProductChanges = { [K in Exclude<keyof ProductFields, "sku">]?: ProductFields[K] | null };

const MAX_SEARCH = 200;

const isAdmin = (ctx: Context) => ctx.viewer?.role === Role.ADMIN;

const skuTaken = () => new ConflictError("A product with this SKU already exists.", { fields: { sku: "is already used" } });

/** Inserts and lets the unique index refuse a duplicate SKU: a check before the insert would race. */
export async function createProduct(ctx: Context, input: ProductFields): Promise<Product> {
  assertValid(productProblems(input));
  const actor = requireUser(ctx);
  try {
    return await lockingTransaction(ctx.em, async (em) => {
      await assertActingAdmin(em, actor);
      const product = em.create(Product, { ...input, sku: normalizeSku(input.sku), name: input.name.trim() });
      await em.persist(product).flush();
      return product;
    });
  } catch (err) {
    ctx.em.clear();
    if (err instanceof UniqueConstraintViolationException) throw skuTaken();
    throw err;
  }
}

/** Changes the given fields; a field left out (or null) stays as it is. */
export async function updateProduct(ctx: Context, id: string, input: ProductChanges): Promise<Product> {
  const changes: Partial<ProductFields> = Object.fromEntries(Object.entries(input).filter(([, v]) => v != null));
  assertValid(productProblems(changes));
  const productId = parseId(id);
  const actor = requireUser(ctx);
  return lockingTransaction(ctx.em, async (em) => {
    await assertActingAdmin(em, actor);
    const product = productId === null ? null : await em.findOne(Product, productId);
    if (!product) throw new NotFoundError("Product");
    em.assign(product, { ...changes, ...(changes.name === undefined ? {} : { name: changes.name.trim() }) });
    await em.flush();
    return product;
  });
}

/** The product, or null when there is none or the caller may not see it (inactive, not an ADMIN). */
export async function visibleProduct(ctx: Context, id: string): Promise<Product | null> {
  const productId = parseId(id);
  if (productId === null) return null;
  const where = isAdmin(ctx) ? { id: productId } : { id: productId, active: true };
  // A replica may serve it (slightly stale at most, and never older than this visitor's own writes).
  return ctx.services.replicaReads.read((connectionType) => ctx.em.findOne(Product, where, { connectionType }));
}

/** Active products (all of them for an ADMIN), oldest first, optionally matching `search`. */
export function listProducts(ctx: Context, args: PageArgs & { search?: string | null }): Promise<Connection<ProductRecord>> {
  const { search } = args;
  if (search && search.length > MAX_SEARCH) throw new BadUserInputError({ search: `must be at most ${MAX_SEARCH} characters` });
  return ctx.services.replicaReads.read((connection) => productPage(ctx.em, { activeOnly: !isAdmin(ctx), search }, args, connection));
}
