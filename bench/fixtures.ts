/** Test data for the bench, made through the API itself (so it is valid whatever the schema's details). */

export const BENCH_HEADERS = {
  "content-type": "application/json",
  // The bench runs the production configuration behind a (pretend) TLS proxy, so cookies are Secure.
  "x-forwarded-proto": "https",
};
export const PASSWORD = "correct horse battery staple";
export const ADMIN = { email: "operator@example.test", password: "seven violet lanterns 2026" };

export interface GqlAnswer {
  data?: any;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
  cookie?: string;
}

export async function gql(origin: string, query: string, variables?: object, cookie?: string): Promise<GqlAnswer> {
  const res = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { ...BENCH_HEADERS, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as GqlAnswer;
  const setCookie = res.headers.getSetCookie().find((c) => !/Expires=Thu, 01 Jan 1970/.test(c));
  return { ...body, cookie: setCookie?.split(";")[0] ?? cookie };
}

export async function ok(origin: string, query: string, variables?: object, cookie?: string): Promise<GqlAnswer> {
  const answer = await gql(origin, query, variables, cookie);
  if (answer.errors?.length) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(answer.errors)}`);
  return answer;
}

export const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { id } }`;

/** Registers `count` users; returns their emails and one logged-in cookie each. */
export async function makeUsers(origin: string, count: number, tag: string): Promise<Array<{ email: string; cookie: string }>> {
  const users = [];
  for (let i = 0; i < count; i++) {
    const email = `bench-${tag}-${i}@example.test`;
    const answer = await ok(origin, `mutation($input: RegisterInput!) { register(input: $input) { id } }`, {
      input: { email, name: `Bench ${tag} ${i}`, password: PASSWORD },
    });
    users.push({ email, cookie: answer.cookie! });
  }
  return users;
}

/** Whether this build's schema has an operation (introspection is off in production, so by trying it). */
export async function accepts(origin: string, query: string): Promise<boolean> {
  const answer = await gql(origin, query);
  return !answer.errors?.some((e) => e.extensions?.code === "GRAPHQL_VALIDATION_FAILED");
}

/** `count` active products with a stock the bench cannot exhaust; returns their ids. */
export async function makeProducts(origin: string, count: number): Promise<string[]> {
  const admin = (await ok(origin, LOGIN, ADMIN)).cookie;
  const ids = [];
  for (let i = 0; i < count; i++) {
    const input = { sku: `BENCH-${i}`, name: `Bench product ${i}`, description: "A product for the bench.", priceCents: 100 + i, stock: 1_000_000 };
    const answer = await ok(origin, `mutation($input: ProductInput!) { createProduct(input: $input) { id } }`, { input }, admin);
    ids.push(answer.data.createProduct.id as string);
  }
  return ids;
}

export const ADD_TO_CART = `mutation($productId: ID!) { addToCart(productId: $productId, quantity: 1) { itemCount totalCents } }`;

export async function fillCart(origin: string, cookie: string, productIds: string[]): Promise<void> {
  await ok(origin, `mutation { clearCart { itemCount } }`, undefined, cookie);
  for (const productId of productIds) await ok(origin, ADD_TO_CART, { productId }, cookie);
}
