import { randomBytes } from "node:crypto";
import type { TestClient } from "./client";
import { flushUserCaches, type TestServer } from "./server";

export const USER_FIELDS = "id email name role createdAt";
export const STRONG_PASSWORD = "correct horse battery staple";

let counter = 0;
export function uniqueEmail(prefix = "user"): string {
  return `${prefix}-${process.pid}-${++counter}-${randomBytes(3).toString("hex")}@example.test`;
}

export interface RegisteredUser {
  id: string;
  email: string;
  name: string;
  role: string;
  password: string;
}

/** Registers through the API, which also logs `client` in. */
export async function registerUser(
  client: TestClient,
  overrides: Partial<{ email: string; name: string; password: string }> = {},
): Promise<RegisteredUser> {
  const input = { email: uniqueEmail(), name: "Test Shopper", password: STRONG_PASSWORD, ...overrides };
  const data = await client.ok(`mutation($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`, { input });
  return { ...data.register, password: input.password };
}

export async function login(client: TestClient, email: string, password = STRONG_PASSWORD, rememberMe = false) {
  return client.gql(
    `mutation($email: String!, $password: String!, $rememberMe: Boolean) {
       login(email: $email, password: $password, rememberMe: $rememberMe) { ${USER_FIELDS} } }`,
    { email, password, rememberMe },
  );
}

export async function me(client: TestClient): Promise<{ id: string; email: string; role: string } | null> {
  return (await client.ok(`{ me { ${USER_FIELDS} } }`)).me;
}

/** Credentials for the ADMIN that startTestServer creates at start when given `ADMIN_ENV` (bootstrap-admin.ts). */
export const TEST_ADMIN = { email: "root-admin@example.test", password: "admin passphrase for tests" };
export const ADMIN_ENV = { ADMIN_EMAIL: TEST_ADMIN.email, ADMIN_PASSWORD: TEST_ADMIN.password };

export interface SignedIn {
  client: TestClient;
  user: RegisteredUser;
}

/** A new client logged in as the server's bootstrap ADMIN (start the server with `ADMIN_ENV`). */
export async function loginAsAdmin(server: TestServer): Promise<SignedIn> {
  if (!server.config.admin) throw new Error("loginAsAdmin needs a server started with ADMIN_ENV");
  const client = server.client();
  const { email, password } = server.config.admin;
  const res = await login(client, email, password);
  if (res.errors?.length) throw new Error(`admin login failed: ${JSON.stringify(res.errors)}`);
  return { client, user: { ...res.data.login, password } };
}

/** A new client logged in as a new USER. */
export async function signUp(server: TestServer, overrides: Parameters<typeof registerUser>[1] = {}): Promise<SignedIn> {
  const client = server.client();
  return { client, user: await registerUser(client, overrides) };
}

/**
 * A new ADMIN of its own, so a test may demote, delete or re-password it freely: registered through the
 * API, then promoted in SQL (MySQL servers), followed, as after any change made by hand, by a flush of
 * the user caches so that the session sees the role at once.
 */
export async function createAdmin(server: TestServer, overrides: Parameters<typeof registerUser>[1] = {}): Promise<SignedIn> {
  const { client, user } = await signUp(server, { name: "Test Admin", ...overrides });
  await server.sql("UPDATE users SET role = 'ADMIN' WHERE id = ?", [user.id]);
  await flushUserCaches(server);
  return { client, user: { ...user, role: "ADMIN" } };
}
