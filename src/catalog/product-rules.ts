import { fieldErrors } from "../errors";
import type { FieldErrors } from "../errors";

/** Any GraphQL Int (the column is a signed INT): the limit is on cart and order totals (src/cart/cart-limits.ts). */
export const MAX_PRICE_CENTS = 2_147_483_647;
export const MAX_STOCK = 1_000_000;
export const MAX_DESCRIPTION = 5000;

// Letters, digits and . _ - only: no look-alikes for MySQL's collation to fold together, no padding.
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** SKUs are case-insensitive: stored upper-cased, the same on MySQL and SQLite. */
export const normalizeSku = (sku: string) => sku.trim().toUpperCase();

export interface ProductFields {
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  stock: number;
  active: boolean;
}

const intProblem = (value: number, max: number) =>
  Number.isInteger(value) && value >= 0 && value <= max ? null : `must be a whole number from 0 to ${max}`;

/** The problems of the fields that are present (an update names only some). */
export function productProblems(input: Partial<ProductFields>): FieldErrors {
  const name = input.name?.trim();
  return fieldErrors({
    sku: input.sku === undefined ? null : SKU.test(input.sku.trim()) ? null : "must be 1 to 64 letters, digits, '.', '_' or '-'",
    name: name === undefined ? null : !name ? "must not be empty" : name.length > 200 ? "must be at most 200 characters" : null,
    description:
      input.description === undefined || input.description.length <= MAX_DESCRIPTION
        ? null
        : `must be at most ${MAX_DESCRIPTION} characters`,
    priceCents: input.priceCents === undefined ? null : intProblem(input.priceCents, MAX_PRICE_CENTS),
    stock: input.stock === undefined ? null : intProblem(input.stock, MAX_STOCK),
  });
}
