import type { EntityManager } from "@mikro-orm/core";
import type { CatalogInvalidation } from "../cache/catalog-cache";

export interface CatalogWriter {
  em: EntityManager;
  services: { catalogInvalidation: CatalogInvalidation };
}

/**
 * The one way the API changes rows of `products` (creating, updating, a checkout's stock, the demo catalog):
 * runs `write`, which opens its own transaction, then empties the catalog cache on every instance before
 * the caller answers. Also when `write` failed: a COMMIT whose answer was lost may still have happened, and
 * a needless drop costs one SELECT per page. Never before the transaction ends: a read could store the old
 * rows again.
 */
export async function writeCatalog<T>(ctx: CatalogWriter, write: () => Promise<T>): Promise<T> {
  if (ctx.em.isInTransaction()) {
    throw new Error("writeCatalog must open the transaction itself: inside another, it would invalidate before the commit");
  }
  try {
    return await write();
  } finally {
    await ctx.services.catalogInvalidation.invalidate();
  }
}
