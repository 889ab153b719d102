import { randomBytes } from "node:crypto";
import type { TestClient } from "./client";

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
