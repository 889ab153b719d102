import { type EntityManager, type EntityName, type FilterQuery } from "@mikro-orm/core";
import { BadUserInputError } from "../errors";

export const MAX_PAGE_SIZE = 100;

/** A page of rows as Relay connections shape it; the resolvers' GraphQL types declare the same fields. */
export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export interface PageArgs {
  first: number;
  after?: string | null;
}

const CURSOR_PREFIX = "c1:";

/** Cursors are opaque to clients; inside they are the id of the last row seen. */
export function encodeCursor(id: number): string {
  return Buffer.from(CURSOR_PREFIX + id).toString("base64url");
}

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  const id = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(id) || id < 0 || encodeCursor(id) !== cursor) {
    throw new BadUserInputError({ after: "is not a valid cursor" });
  }
  return id;
}

export function validatePageArgs({ first }: PageArgs): void {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError({ first: `must be between 0 and ${MAX_PAGE_SIZE}` });
  }
}

/** Escapes LIKE wildcards so `%` and `_` in a search are taken literally (with ESCAPE '\\'). */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

/**
 * Keyset pagination on the integer primary key: stable when rows are inserted between pages (a page
 * never repeats or skips a row), and one indexed range scan per page however deep it is.
 */
export async function paginate<T extends { id: number }>(
  em: EntityManager,
  entity: EntityName<T>,
  where: FilterQuery<T>,
  args: PageArgs,
  direction: "asc" | "desc" = "asc",
): Promise<Connection<T>> {
  validatePageArgs(args);
  const afterId = args.after ? decodeCursor(args.after) : undefined;
  const keyset = afterId === undefined ? {} : { id: direction === "asc" ? { $gt: afterId } : { $lt: afterId } };
  // `where` serves two queries; a raw() key (a search condition) is a symbol that both can read.
  const filter = { $and: [where, keyset] } as FilterQuery<T>;
  const [rows, totalCount] = await Promise.all([
    em.find(entity, filter, { orderBy: { id: direction } as never, limit: args.first + 1 }),
    em.count(entity, where),
  ]);
  const page = rows.slice(0, args.first);
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    totalCount,
    pageInfo: { hasNextPage: rows.length > args.first, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
