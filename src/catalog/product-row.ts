import type { EntityManager } from "@mikro-orm/core";
import { Product } from "../entities/product.entity";

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

/** The managed Product for a row that plain SQL read: em.map converts the columns as the ORM's own reads do. */
export function productFromRow(em: EntityManager, row: ProductRow): Product {
  const { id, sku, name, description, price_cents, stock, active } = row;
  return em.map(Product, { id, sku, name, description, price_cents, stock, active: Boolean(Number(active)) });
}
