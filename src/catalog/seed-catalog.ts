import type { EntityManager } from "@mikro-orm/core";
import type { Config } from "../config";
import { Product } from "../entities/product.entity";
import { writeCatalog, type CatalogWriter } from "./catalog-writes";

type DemoProduct = Pick<Product, "sku" | "name" | "description" | "priceCents" | "stock">;

export const DEMO_CATALOG: DemoProduct[] = [
  { sku: "MUG-CLASSIC", name: "Classic mug", description: "Stoneware, 350 ml, dishwasher safe.", priceCents: 1200, stock: 120 },
  { sku: "MUG-TRAVEL", name: "Travel mug", description: "Double-walled steel with a leak-proof lid.", priceCents: 2400, stock: 60 },
  { sku: "TEA-GREEN-100", name: "Green tea, 100 g", description: "Loose-leaf sencha.", priceCents: 950, stock: 200 },
  { sku: "TEA-BLACK-100", name: "Black tea, 100 g", description: "Loose-leaf Assam, strong and malty.", priceCents: 850, stock: 200 },
  { sku: "TEA-CHAI-250", name: "Masala chai, 250 g", description: "Black tea with cardamom, ginger and clove.", priceCents: 1450, stock: 80 },
  { sku: "COFFEE-BEANS-1KG", name: "Coffee beans, 1 kg", description: "Medium roast, whole beans.", priceCents: 2900, stock: 40 },
  { sku: "GRINDER-HAND", name: "Hand grinder", description: "Ceramic burrs, adjustable grind.", priceCents: 3900, stock: 25 },
  { sku: "KETTLE-GOOSENECK", name: "Gooseneck kettle", description: "1 l, temperature control.", priceCents: 6900, stock: 15 },
  { sku: "FILTER-PAPER-100", name: "Paper filters (100)", description: "Unbleached, size 02.", priceCents: 450, stock: 500 },
  { sku: "TEAPOT-CAST-IRON", name: "Cast-iron teapot", description: "0.8 l, enamelled inside.", priceCents: 5400, stock: 10 },
  { sku: "INFUSER-STEEL", name: "Tea infuser", description: "Fine stainless mesh.", priceCents: 700, stock: 150 },
  { sku: "SCALE-COFFEE", name: "Coffee scale", description: "0.1 g resolution with a timer.", priceCents: 3200, stock: 0 },
];

/**
 * Inserts the demo products whose SKU is not there yet; existing ones are left as they are (an admin
 * may have changed them). Returns how many were inserted, so running it again inserts none. Through
 * writeCatalog, so that running instances see them at once.
 */
export function seedCatalog(writer: CatalogWriter): Promise<number> {
  return writeCatalog(writer, () => insertDemoProducts(writer.em));
}

async function insertDemoProducts(em: EntityManager): Promise<number> {
  const existing = new Set((await em.find(Product, { sku: { $in: DEMO_CATALOG.map((p) => p.sku) } })).map((p) => p.sku));
  const missing = DEMO_CATALOG.filter((p) => !existing.has(p.sku));
  for (const product of missing) em.create(Product, product);
  await em.flush();
  return missing.length;
}

/**
 * A newcomer's first `npm start` (the embedded SQLite default, in development): the demo catalog that
 * `npm run seed` loads, so the playground's first `products` query shows something. Only into an empty
 * catalog, never on MySQL (DATABASE_URL), in production or in tests. Returns how many products it loaded.
 */
export async function seedDemoCatalogOnFirstStart(writer: CatalogWriter, config: Config): Promise<number> {
  if (config.database.kind !== "sqlite" || config.env !== "development") return 0;
  if ((await writer.em.count(Product, {})) > 0) return 0;
  return seedCatalog(writer);
}
