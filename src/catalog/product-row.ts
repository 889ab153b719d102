import type { Product } from "../entities/product.entity";

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

/** The fields a read answers of a product: what the GraphQL `Product` type shows. */
export type ProductFieldsRead = Pick<Product, "id" | "sku" | "name" | "description" | "priceCents" | "stock" | "active">;

/**
 * A product as the listing and the cart read it: plain data, not managed by the request's EntityManager,
 * since nothing writes it back (mapping each row into the identity map cost more than the query). A class,
 * not a literal, so V8 never pretenures it (docs/performance.md, "Garbage collection").
 */
export class ProductRecord implements ProductFieldsRead {
  readonly id: number;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly priceCents: number;
  readonly stock: number;
  readonly active: boolean;

  /** The columns converted as the ORM's own reads convert them (a test holds the two alike on both databases). */
  constructor(row: ProductRow) {
    this.id = Number(row.id);
    this.sku = row.sku;
    this.name = row.name;
    this.description = row.description;
    this.priceCents = Number(row.price_cents);
    this.stock = Number(row.stock);
    this.active = Boolean(Number(row.active));
  }
}
