import { raw, type FilterQuery } from "@mikro-orm/core";
import { likePattern } from "./pagination";

/**
 * A case-insensitive substring match of `search` on any of `columns`, with `%` and `_` taken literally.
 * Written as `lower(column) LIKE lower(?) ESCAPE ?` rather than with `$like` because SQLite has no default
 * escape character, and both sides are lowered so a case-sensitive MySQL collation cannot change the answer.
 * The escape character is a bound parameter: MySQL and SQLite spell a backslash literal differently.
 * (SQLite's lower() folds ASCII letters only, so there the match ignores case for ASCII only.)
 */
export function substringMatch<T>(columns: string[], search: string): FilterQuery<T> {
  const pattern = likePattern(search);
  return {
    $or: columns.map((column) => ({
      [raw((alias) => `lower(${alias}.${column}) like lower(?) escape ?`, [pattern, "\\"])]: [],
    })),
  } as FilterQuery<T>;
}
