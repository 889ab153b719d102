import type { EntityManager } from "@mikro-orm/core";
import { Product } from "../entities/product.entity";

const COLUMNS = ["id", "sku", "name", "description", "price_cents", "stock", "active"] as const;

/** The select list that reads a ProductRow, each column qualified by `alias` when given. */
export const productColumns = (alias?: string): string => COLUMNS.map((column) => (alias ? `${alias}.${column}` : column)).join(", ");

/** A product's columns as plain SQL reads them (`select ${productColumns()}`). */
export interface ProductRow {
  id: number;
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  stock: number;
  active: number | boolean;
}

/** The managed Product for a row that plain SQL read: em.map converts the columns as the ORM's own reads do. */
export function productFromRow(em: EntityManager, row: ProductRow): Product {
  const { id, sku, name, description, price_cents, stock, active } = row;
  return em.map(Product, { id, sku, name, description, price_cents, stock, active: Boolean(Number(active)) });
}
