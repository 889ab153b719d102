import type { EntityManager } from "@mikro-orm/core";
import { selectRow, selectRows, type SqlValue } from "../db/plain-sql";
import { decodeCursor, encodeCursor, likePattern, validatePageArgs, type Connection, type PageArgs } from "../db/pagination";
import { productColumns, ProductRecord, type ProductRow } from "./product-row";

export interface ProductFilter {
  /** Only active products (what everyone but an ADMIN sees). */
  activeOnly: boolean;
  /** A case-insensitive substring of the name or SKU, `%` and `_` taken literally. */
  search?: string | null;
}

type PageRow = ProductRow & { total_count: number | string };

/**
 * A page of products in one plain SQL statement: the page by keyset on id (one row more than asked, to
 * know whether another page follows) and the total as a scalar subquery of the same statement, so both
 * come from one snapshot in one round trip: the listing is the busiest read of a shop. The conditions are
 * those of paginate() and substringMatch() (entities/), written for both MySQL and SQLite.
 */
export async function productPage(em: EntityManager, filter: ProductFilter, args: PageArgs, connection: "read" | "write" = "write"): Promise<Connection<ProductRecord>> {
  validatePageArgs(args);
  const afterId = args.after ? decodeCursor(args.after) : undefined;
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (filter.activeOnly) conditions.push("active = 1");
  if (filter.search) {
    const pattern = likePattern(filter.search);
    conditions.push("(lower(name) like lower(?) escape ? or lower(sku) like lower(?) escape ?)");
    params.push(pattern, "\\", pattern, "\\");
  }
  const where = conditions.length ? conditions.join(" and ") : "1 = 1";
  const keyset = afterId === undefined ? "" : " and id > ?";
  const rows = await selectRows<PageRow>(
    em,
    `select ${productColumns()}, (select count(*) from products where ${where}) as total_count
     from products where ${where}${keyset} order by id asc limit ?`,
    [...params, ...params, ...(afterId === undefined ? [] : [afterId]), args.first + 1],
    connection,
  );
  // No row on this page (past the last one, or nothing matches): the total needs a statement of its own.
  const totalCount = rows.length
    ? Number(rows[0].total_count)
    : Number((await selectRow<{ n: number | string }>(em, `select count(*) as n from products where ${where}`, params, connection))!.n);
  const edges = rows.slice(0, args.first).map((row) => ({ cursor: encodeCursor(Number(row.id)), node: new ProductRecord(row) }));
  return { edges, totalCount, pageInfo: { hasNextPage: rows.length > args.first, endCursor: edges.at(-1)?.cursor ?? null } };
}
