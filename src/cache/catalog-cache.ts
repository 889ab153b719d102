import type { Config } from "../config";
import type { Connection } from "../db/pagination";
import { ExpiringCache, type ExpiringCacheOptions } from "./expiring-cache";
import type { Invalidation } from "./invalidation";

/** The catalog cache's message on the invalidation channel: products changed, every answer goes. */
export const CATALOG_CHANGED = "catalog";

/** Everything that decides a page of the listing. */
export interface PageKey {
  activeOnly: boolean;
  search: string | null | undefined;
  first: number;
  after: string | null | undefined;
}

/**
 * The answers of the catalog's reads (src/catalog/catalog.ts) (`products` pages and `product`), shared by every request of this
 * instance for at most CATALOG_CACHE_TTL_MS. Every write to products through the API empties it on every
 * instance (writeCatalog); the TTL bounds how long a write around the API goes unseen. Answers are frozen,
 * so no request can change what the next one is served. Concurrent misses of one answer send one statement.
 */
export class CatalogCache {
  // Typed by the caller (src/catalog/ reads ProductRecords): this folder sits below the feature folders.
  private readonly answers: ExpiringCache<string, Connection<object> | object | string | null | undefined>;

  constructor(options: Omit<ExpiringCacheOptions, "shareLoads">) {
    this.answers = new ExpiringCache({ ...options, shareLoads: true });
  }

  get enabled(): boolean {
    return this.answers.enabled;
  }

  get size(): number {
    return this.answers.size;
  }

  /** Whether this page would be served from memory now (for tests and diagnostics). */
  hasPage(key: PageKey): boolean {
    return this.answers.has(pageKey(key));
  }

  page<T extends object>(key: PageKey, load: () => Promise<Connection<T>>): Promise<Connection<T>> {
    return this.answers.read(pageKey(key), async () => freezePage(await load())) as Promise<Connection<T>>;
  }

  /** A product as `product(id)` answers it: null when there is none or it is inactive (activeOnly). */
  product<T extends object>(key: { activeOnly: boolean; id: number }, load: () => Promise<T | null>): Promise<T | null> {
    return this.answers.read(`product:${Number(key.activeOnly)}:${key.id}`, async () => {
      const record = await load();
      return record && Object.freeze(record);
    }) as Promise<T | null>;
  }

  /**
   * A whole GraphQL answer (its JSON) of a query that reads only the catalog (catalogAnswers in
   * src/catalog/catalog.ts), under the same TTL and invalidations as the reads it was made of.
   */
  answer(key: string, produce: () => Promise<string | undefined>): Promise<string | undefined> {
    return this.answers.read(`answer:${key}`, produce, (json) => json !== undefined) as Promise<string | undefined>;
  }

  dropAll(): void {
    this.answers.dropAll();
  }
}

// The search comes last, so whatever it holds cannot make two keys alike (a cursor is base64url).
const pageKey = ({ activeOnly, search, first, after }: PageKey) => `page:${Number(activeOnly)}:${first}:${after || ""}:${search || ""}`;

function freezePage<T extends object>(page: Connection<T>): Connection<T> {
  for (const edge of page.edges) Object.freeze(Object.freeze(edge).node);
  Object.freeze(page.edges);
  Object.freeze(page.pageInfo);
  return Object.freeze(page);
}

/** Tells every instance's CatalogCache that products changed. */
export interface CatalogInvalidation {
  /** Empties the catalog cache here at once and on every other instance; after the commit; never throws. */
  invalidate(): Promise<void>;
}

export interface CatalogCaching {
  cache: CatalogCache;
  invalidation: CatalogInvalidation;
}

/** The catalog cache as configured, on the instance's invalidation channel (src/cache/). */
export function startCatalogCache(config: Config, invalidation: Invalidation): CatalogCaching {
  const cache = new CatalogCache({
    ttlMs: config.catalogCache.ttlMs,
    maxEntries: config.catalogCache.maxEntries,
    isListening: () => invalidation.isListening(),
  });
  invalidation.register({
    receive: (message) => message === CATALOG_CHANGED && (cache.dropAll(), true),
    dropAll: () => cache.dropAll(),
  });
  return { cache, invalidation: catalogInvalidation(invalidation) };
}

/** How a writer of products tells the instances, also where no cache is kept (`npm run seed`). */
export const catalogInvalidation = (invalidation: Invalidation): CatalogInvalidation => ({
  invalidate: () => invalidation.publish(CATALOG_CHANGED),
});
