import type { EntityManager } from "@mikro-orm/core";
import type { CatalogInvalidation } from "../cache/catalog-cache";
import { WriteScope, statementsChanging } from "../cache/write-scope";

export interface CatalogWriter {
  em: EntityManager;
  services: { catalogInvalidation: CatalogInvalidation };
}

export class UnguardedCatalogWriteError extends Error {
  constructor(sql: string) {
    super(`a write to products outside writeCatalog (src/catalog/catalog-writes.ts) would leave cached pages stale: ${sql.slice(0, 120)}`);
  }
}


// Any row added, changed or removed changes a page (its total at least); the whole catalog is one key.
const catalogWrites = new WriteScope<"catalog">({
  name: "writeCatalog",
  changes: statementsChanging(["products"], "any"),
  refusal: (sql) => new UnguardedCatalogWriteError(sql),
  // A flush after loading products on SQLite rewrites their unchanged timestamps (see write-scope.ts).
  timestampsOf: "products",
  idOf: (key) => key,
});

/**
 * The one way the API changes rows of `products` (creating, updating, a checkout's stock, the demo catalog):
 * runs `write`, which opens its own transaction, then empties the catalog cache on every instance before the
 * caller answers, by WriteScope's rule (src/cache/write-scope.ts). Any other write to products is refused
 * (guardCatalogWrites).
 */
export function writeCatalog<T>(ctx: CatalogWriter, write: () => Promise<T>): Promise<T> {
  return catalogWrites.write(ctx.em, ["catalog"], () => ctx.services.catalogInvalidation.invalidate(), write);
}

/** MikroORM's `onQuery` hook for the running API (server.ts): a statement that changes products outside writeCatalog throws. */
export const guardCatalogWrites = catalogWrites.guard;
