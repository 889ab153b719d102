import { randomBytes } from "node:crypto";
import { codes, type GqlResponse, type TestClient } from "./client";
import { STRONG_PASSWORD, login } from "./factories";

/** Start a server with these to get an ADMIN (created at start by ADMIN_EMAIL/ADMIN_PASSWORD). */
export const ADMIN_ENV = { ADMIN_EMAIL: "shop-admin@example.test", ADMIN_PASSWORD: STRONG_PASSWORD };

/**
 * For files that race many requests: they hold more database connections at once than the pool has,
 * and on a busy test machine the default 1.5 s wait for a free connection would turn slowness into
 * SERVICE_UNAVAILABLE. Tests assert outcomes, not speed.
 */
export const RACE_ENV = { ...ADMIN_ENV, DEPENDENCY_TIMEOUT_MS: "10000" };

export const PRODUCT_FIELDS = "id sku name description priceCents stock active";
export const CART_FIELDS = `lines { product { ${PRODUCT_FIELDS} } quantity lineTotalCents } itemCount totalCents`;
export const ORDER_FIELDS = `id createdAt totalCents lines { product { id name stock } productName quantity unitPriceCents }`;

export interface TestProduct {
  id: string;
  sku: string;
  name: string;
  description: string;
  priceCents: number;
  stock: number;
  active: boolean;
}

let counter = 0;
export function uniqueSku(prefix = "SKU"): string {
  return `${prefix}-${process.pid}-${++counter}-${randomBytes(3).toString("hex")}`.toUpperCase();
}

/** Logs `client` in as the ADMIN of ADMIN_ENV. */
export async function loginAdmin(client: TestClient): Promise<TestClient> {
  const res = await login(client, ADMIN_ENV.ADMIN_EMAIL, ADMIN_ENV.ADMIN_PASSWORD);
  if (res.errors) throw new Error(`admin login failed: ${JSON.stringify(res.errors)}`);
  return client;
}

export const CREATE_PRODUCT = `mutation($input: ProductInput!) { createProduct(input: $input) { ${PRODUCT_FIELDS} } }`;
export const UPDATE_PRODUCT = `mutation($id: ID!, $input: UpdateProductInput!) { updateProduct(id: $id, input: $input) { ${PRODUCT_FIELDS} } }`;

/** Creates a product through the API as `admin`: 10.00, 100 in stock, active, unless overridden. */
export async function createProduct(
  admin: TestClient,
  overrides: Partial<Omit<TestProduct, "id">> = {},
): Promise<TestProduct> {
  const input = { sku: uniqueSku(), name: "Test product", priceCents: 1000, stock: 100, ...overrides };
  return (await admin.ok(CREATE_PRODUCT, { input })).createProduct;
}

export async function updateProduct(admin: TestClient, id: string, input: Record<string, unknown>): Promise<TestProduct> {
  return (await admin.ok(UPDATE_PRODUCT, { id, input })).updateProduct;
}

export const ADD_TO_CART = `mutation($productId: ID!, $quantity: Int) { addToCart(productId: $productId, quantity: $quantity) { ${CART_FIELDS} } }`;
export const SET_CART_QUANTITY = `mutation($productId: ID!, $quantity: Int!) { setCartQuantity(productId: $productId, quantity: $quantity) { ${CART_FIELDS} } }`;
export const REMOVE_FROM_CART = `mutation($productId: ID!) { removeFromCart(productId: $productId) { ${CART_FIELDS} } }`;
export const CLEAR_CART = `mutation { clearCart { ${CART_FIELDS} } }`;
export const CART = `{ cart { ${CART_FIELDS} } }`;
export const CHECKOUT = `mutation { checkout { ${ORDER_FIELDS} } }`;

export interface CartView {
  lines: Array<{ product: TestProduct; quantity: number; lineTotalCents: number }>;
  itemCount: number;
  totalCents: number;
}

export async function addToCart(client: TestClient, productId: string, quantity = 1): Promise<CartView> {
  return (await client.ok(ADD_TO_CART, { productId, quantity })).addToCart;
}

export async function readCart(client: TestClient): Promise<CartView> {
  return (await client.ok(CART)).cart;
}

/** The cart as [productId, quantity] pairs, in the cart's order. */
export const cartLines = (cart: CartView) => cart.lines.map((l) => [l.product.id, l.quantity] as const);

/** How many responses ended in each error code ("OK" for none), e.g. { OK: 10, OUT_OF_STOCK: 30 }. */
export function tally(results: GqlResponse[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const res of results) {
    const code = codes(res)[0] ?? "OK";
    counts[code] = (counts[code] ?? 0) + 1;
  }
  return counts;
}
