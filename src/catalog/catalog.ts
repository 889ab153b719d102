import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { assertActingAdmin, requireUser, type Context } from "../context";
import { lockingTransaction } from "../db/locking-transaction";
import { Product } from "../entities/product.entity";
import { parseId } from "../entities/ids";
import { decodeCursor, validatePageArgs, type Connection, type PageArgs } from "../db/pagination";
import { selectRow } from "../db/plain-sql";
import { currentVisitor, wroteWithin } from "../db/replicas/visitor-reads";
import { productColumns, ProductRecord, type ProductRow } from "./product-row";
import { writeCatalog } from "./catalog-writes";
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
    return await writeCatalog(ctx, () =>
      lockingTransaction(ctx.em, async (em) => {
        await assertActingAdmin(em, actor);
        const product = em.create(Product, { ...input, sku: normalizeSku(input.sku), name: input.name.trim() });
        await em.persist(product).flush();
        return product;
      }),
    );
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
  return writeCatalog(ctx, () =>
    lockingTransaction(ctx.em, async (em) => {
      await assertActingAdmin(em, actor);
      const product = productId === null ? null : await em.findOne(Product, productId);
      if (!product) throw new NotFoundError("Product");
      em.assign(product, { ...changes, ...(changes.name === undefined ? {} : { name: changes.name.trim() }) });
      await em.flush();
      return product;
    }),
  );
}

/**
 * Whether this request may be answered from the catalog cache: not for a visitor who wrote within
 * READ_YOUR_WRITES_S, since a page cached from a lagging replica may predate their write. The API tracks
 * visitors' writes only with replicas (visitorReads); without them the invalidation is enough.
 */
function cacheable(ctx: Context): boolean {
  return !wroteWithin(currentVisitor()?.lastWriteAt(), ctx.services.config.replicas.readYourWritesS * 1000);
}

/** The product, or null when there is none or the caller may not see it (inactive, not an ADMIN). */
export async function visibleProduct(ctx: Context, id: string): Promise<ProductRecord | null> {
  const productId = parseId(id);
  if (productId === null) return null;
  const activeOnly = !isAdmin(ctx);
  // A replica may serve it (slightly stale at most, and never older than this visitor's own writes).
  const load = () =>
    ctx.services.replicaReads.read(async (connection) => {
      const sql = `select ${productColumns()} from products where id = ?${activeOnly ? " and active = 1" : ""}`;
      const row = await selectRow<ProductRow>(ctx.em, sql, [productId], connection);
      return row ? new ProductRecord(row) : null;
    });
  return cacheable(ctx) ? ctx.services.catalogCache.product({ activeOnly, id: productId }, load) : load();
}

/** Active products (all of them for an ADMIN), oldest first, optionally matching `search`. */
export async function listProducts(ctx: Context, args: PageArgs & { search?: string | null }): Promise<Connection<ProductRecord>> {
  const { search } = args;
  if (search && search.length > MAX_SEARCH) throw new BadUserInputError({ search: `must be at most ${MAX_SEARCH} characters` });
  // Refused before the cache is asked, so that no answer is kept under arguments that have none.
  validatePageArgs(args);
  if (args.after) decodeCursor(args.after);
  const filter = { activeOnly: !isAdmin(ctx), search };
  const load = () => ctx.services.replicaReads.read((connection) => productPage(ctx.em, filter, args, connection));
  if (!cacheable(ctx)) return load();
  return ctx.services.catalogCache.page({ ...filter, first: args.first, after: args.after }, load);
}

/**
 * The catalog's reads answer every visitor of one audience alike (inactive products for an ADMIN only), so
 * the fast path may keep a query's whole answer when it selects nothing else (http/prepared-operations.ts,
 * SharedAnswers), in the catalog cache with the reads it was made of. A visitor the cache may not serve
 * gets no kept answer either. Product and its connection show nothing that depends on the visitor; a field
 * that did would take these fields off this list.
 */
export const catalogAnswers = {
  fields: new Set(["product", "products"]),
  audience: (ctx: Context): string | null => (cacheable(ctx) ? (isAdmin(ctx) ? "admin" : "visitor") : null),
  read: (ctx: Context, key: string, produce: () => Promise<string | undefined>): Promise<string | undefined> => ctx.services.catalogCache.answer(key, produce),
};
