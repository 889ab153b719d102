import type { Product } from "../entities/product.entity";

/** A product's columns as plain SQL reads them (`select id, sku, name, description, price_cents, stock, active`). */
export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  stock: number;
  active: number | boolean;
}

/** A plain object for the GraphQL type, for answers that are only read, never changed and flushed. */
export function productFromRow(row: ProductRow): Product {
  return {
    id: Number(row.id), sku: row.sku, name: row.name, description: row.description,
    priceCents: Number(row.price_cents), stock: Number(row.stock), active: Boolean(Number(row.active)),
  } as Product;
}
