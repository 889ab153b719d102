import type { EntityManager } from "@mikro-orm/core";
import type { CatalogInvalidation } from "../cache/catalog-cache";
import { WriteScope, sqliteTimestampRewrite, type OpenScope } from "../cache/write-scope";

export interface CatalogWriter {
  em: EntityManager;
  services: { catalogInvalidation: CatalogInvalidation };
}

export class UnguardedCatalogWriteError extends Error {
  constructor(sql: string) {
    super(`a write to products outside writeCatalog (src/catalog/catalog-writes.ts) would leave cached pages stale: ${sql.slice(0, 120)}`);
  }
}

const PRODUCTS = String.raw`[\x60"]?products[\x60"]?`;
/** A statement that adds, changes or removes rows of products: any of them changes a page (its total at least). */
const CHANGES_PRODUCTS = new RegExp(
  String.raw`^\s*(?:insert\s+(?:ignore\s+)?into\s+${PRODUCTS}[\s(]|update\s+(?:ignore\s+)?${PRODUCTS}\s|` +
    String.raw`delete\s+(?:\S+\s+)?from\s+${PRODUCTS}(?:\s|$)|replace\s+into\s+${PRODUCTS}[\s(])`,
  "i",
);
/** A flush after loading products (a cart merge's lines) on SQLite rewrites unchanged timestamps (see write-scope.ts). */
const SQLITE_TIMESTAMP_REWRITE = sqliteTimestampRewrite("products");

const catalogWrites = new WriteScope<OpenScope>(CHANGES_PRODUCTS, (sql) => new UnguardedCatalogWriteError(sql), (sql) => SQLITE_TIMESTAMP_REWRITE.test(sql));

/**
 * The one way the API changes rows of `products` (creating, updating, a checkout's stock, the demo catalog):
 * runs `write`, which opens its own transaction, then empties the catalog cache on every instance before
 * the caller answers. Also when `write` failed: a COMMIT whose answer was lost may still have happened, and
 * a needless drop costs one SELECT per page. Never before the transaction ends: a read could store the old
 * rows again. A writeCatalog inside another joins it. Any other write to products is refused (guardCatalogWrites).
 */
export async function writeCatalog<T>(ctx: CatalogWriter, write: () => Promise<T>): Promise<T> {
  if (catalogWrites.open) return write();
  if (ctx.em.isInTransaction()) {
    throw new Error("writeCatalog must open the transaction itself: inside another, it would invalidate before the commit");
  }
  const scope: OpenScope = { open: true };
  try {
    return await catalogWrites.run(scope, write);
  } finally {
    scope.open = false;
    await ctx.services.catalogInvalidation.invalidate();
  }
}

/** MikroORM's `onQuery` hook for the running API (server.ts): a statement that changes products outside writeCatalog throws. */
export const guardCatalogWrites = catalogWrites.guard;
