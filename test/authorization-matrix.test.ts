import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { codes, type GqlResponse, type TestClient } from "./helpers/client";
import {
  STRONG_PASSWORD,
  USER_FIELDS,
  createAdmin,
  login,
  me,
  signUp,
  uniqueEmail,
  type RegisteredUser,
  type SignedIn,
} from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import {
  ADD_TO_CART,
  CART,
  CART_FIELDS,
  CHECKOUT,
  CLEAR_CART,
  CREATE_PRODUCT,
  PRODUCT_FIELDS,
  REMOVE_FROM_CART,
  SET_CART_QUANTITY,
  UPDATE_PRODUCT,
  uniqueSku,
  type TestProduct,
} from "./helpers/shop";

/**
 * Every operation of the contract, called by each kind of caller, with the exact outcome expected.
 *
 * Each cell runs in a world of its own: a `target` user (registered, with a logged-in client of their
 * own) and the caller. "user on self" is a second session of the target; "user on other" is another
 * USER; "admin" is a fresh ADMIN acting on the target. Operations without a target user (users, sessions,
 * products, cart, ...) give one `user` expectation for both USER columns.
 */
type Column = "anonymous" | "userSelf" | "userOther" | "admin";

interface World {
  client: TestClient;
  actor: RegisteredUser | null;
  target: SignedIn;
}

/** An error code the call must fail with (and nothing else), or a check of the successful data. */
type Outcome = string | ((data: any, world: World) => void | Promise<void>);

interface Row {
  operation: string;
  call: (world: World) => Promise<GqlResponse>;
  anonymous: Outcome;
  user?: Outcome;
  userSelf?: Outcome;
  userOther?: Outcome;
  admin: Outcome;
}

let server: TestServer;
before(async () => {
  // Every cell registers users: the per-IP login/register limit must not be what a cell measures.
  server = await startTestServer("authz_matrix");
  const admin = await createAdmin(server, { name: "Catalog Admin" });
  product = (await admin.client.ok(CREATE_PRODUCT, { input: { sku: uniqueSku("MATRIX"), name: "Matrix", priceCents: 250, stock: 1_000_000 } }))
    .createProduct;
  hidden = (await admin.client.ok(CREATE_PRODUCT, { input: { sku: uniqueSku("HIDDEN"), name: "Hidden", priceCents: 100, stock: 5, active: false } }))
    .createProduct;
});
let product: TestProduct;
let hidden: TestProduct;
after(() => server?.close());

async function buildWorld(column: Column): Promise<World> {
  const target = await signUp(server, { name: "Target Person" });
  switch (column) {
    case "anonymous":
      return { client: server.client(), actor: null, target };
    case "userSelf": {
      const client = server.client();
      await login(client, target.user.email);
      return { client, actor: target.user, target };
    }
    case "userOther": {
      const { client, user } = await signUp(server, { name: "Other Person" });
      return { client, actor: user, target };
    }
    case "admin": {
      const { client, user } = await createAdmin(server);
      return { client, actor: user, target };
    }
  }
}

const gql = (document: string, variables: (w: World) => Record<string, unknown> = () => ({})) => (w: World) =>
  w.client.gql(document, variables(w));

const returnsSelf = (field: string) => (data: any, w: World) => assert.equal(data[field].id, w.actor!.id);
const returnsTarget = (field: string) => (data: any, w: World) => assert.equal(data[field].id, w.target.user.id);
const equals = (field: string, value: unknown) => (data: any) => assert.deepEqual(data[field], value);

const rows: Row[] = [
  {
    operation: "me",
    call: gql(`{ me { ${USER_FIELDS} } }`),
    anonymous: equals("me", null),
    user: returnsSelf("me"),
    admin: returnsSelf("me"),
  },
  {
    operation: "user(id)",
    call: gql(`query($id: ID!) { user(id: $id) { ${USER_FIELDS} } }`, (w) => ({ id: w.target.user.id })),
    anonymous: "UNAUTHENTICATED",
    userSelf: returnsTarget("user"),
    userOther: "FORBIDDEN",
    admin: returnsTarget("user"),
  },
  {
    operation: "users",
    call: gql(`query($search: String) { users(search: $search) { totalCount edges { node { id } } } }`, (w) => ({
      search: w.target.user.email,
    })),
    anonymous: "UNAUTHENTICATED",
    user: "FORBIDDEN",
    admin: (data, w) => {
      assert.equal(data.users.totalCount, 1);
      assert.equal(data.users.edges[0].node.id, w.target.user.id);
    },
  },
  {
    operation: "register",
    call: gql(`mutation($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`, () => ({
      input: { email: uniqueEmail("matrix"), name: "New Person", password: STRONG_PASSWORD },
    })),
    // Anyone may register; a logged-in caller ends up logged in as the new USER.
    anonymous: (data) => assert.equal(data.register.role, "USER"),
    user: (data) => assert.equal(data.register.role, "USER"),
    admin: (data) => assert.equal(data.register.role, "USER"),
  },
  {
    operation: "login",
    call: gql(`mutation($email: String!, $password: String!) { login(email: $email, password: $password) { id } }`, (w) => ({
      email: w.target.user.email,
      password: STRONG_PASSWORD,
    })),
    anonymous: returnsTarget("login"),
    user: returnsTarget("login"),
    admin: returnsTarget("login"),
  },
  {
    operation: "logout",
    call: gql(`mutation { logout }`),
    anonymous: equals("logout", false),
    user: equals("logout", true),
    admin: equals("logout", true),
  },
  {
    operation: "changePassword",
    call: gql(`mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`, () => ({
      c: STRONG_PASSWORD,
      n: "a different fine passphrase",
    })),
    anonymous: "UNAUTHENTICATED",
    user: equals("changePassword", true),
    admin: equals("changePassword", true),
  },
  {
    operation: "sessions",
    call: gql(`{ sessions { id current } }`),
    anonymous: "UNAUTHENTICATED",
    // The self column has two sessions (its own and the target client's), the others one.
    userSelf: (data) => assert.deepEqual(data.sessions.map((s: any) => s.current).sort(), [false, true]),
    userOther: (data) => assert.deepEqual(data.sessions.map((s: any) => s.current), [true]),
    admin: (data) => assert.deepEqual(data.sessions.map((s: any) => s.current), [true]),
  },
  {
    operation: "revokeSession(id of the target's session)",
    call: async (w) => {
      const { sessions } = await w.target.client.ok(`{ sessions { id current } }`);
      const id = sessions.find((s: any) => s.current).id;
      return w.client.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id });
    },
    anonymous: "UNAUTHENTICATED",
    userSelf: async (data, w) => {
      assert.equal(data.revokeSession, true);
      assert.equal(await me(w.target.client), null);
    },
    // Only one's own sessions, for an ADMIN too; someone else's id is as good as unknown.
    userOther: "NOT_FOUND",
    admin: "NOT_FOUND",
  },
  {
    operation: "logoutOtherSessions",
    call: gql(`mutation { logoutOtherSessions }`),
    anonymous: "UNAUTHENTICATED",
    userSelf: equals("logoutOtherSessions", 1),
    userOther: equals("logoutOtherSessions", 0),
    admin: equals("logoutOtherSessions", 0),
  },
  {
    operation: "createUser",
    call: gql(`mutation($input: CreateUserInput!) { createUser(input: $input) { ${USER_FIELDS} } }`, () => ({
      input: { email: uniqueEmail("created"), name: "Created Person", password: STRONG_PASSWORD },
    })),
    anonymous: "UNAUTHENTICATED",
    user: "FORBIDDEN",
    admin: (data) => assert.equal(data.createUser.role, "USER"),
  },
  {
    operation: "updateUser(id, { name })",
    call: gql(`mutation($id: ID!) { updateUser(id: $id, input: { name: "Renamed" }) { id name } }`, (w) => ({
      id: w.target.user.id,
    })),
    anonymous: "UNAUTHENTICATED",
    userSelf: (data, w) => assert.deepEqual(data.updateUser, { id: w.target.user.id, name: "Renamed" }),
    userOther: "FORBIDDEN",
    admin: (data, w) => assert.deepEqual(data.updateUser, { id: w.target.user.id, name: "Renamed" }),
  },
  {
    operation: "updateUser(id, { role: ADMIN })",
    call: gql(`mutation($id: ID!) { updateUser(id: $id, input: { role: ADMIN }) { id role } }`, (w) => ({
      id: w.target.user.id,
    })),
    anonymous: "UNAUTHENTICATED",
    userSelf: "FORBIDDEN",
    userOther: "FORBIDDEN",
    admin: (data, w) => assert.deepEqual(data.updateUser, { id: w.target.user.id, role: "ADMIN" }),
  },
  {
    operation: "deleteUser(id)",
    call: gql(`mutation($id: ID!) { deleteUser(id: $id) }`, (w) => ({ id: w.target.user.id })),
    anonymous: "UNAUTHENTICATED",
    userSelf: equals("deleteUser", true),
    userOther: "FORBIDDEN",
    admin: equals("deleteUser", true),
  },
  {
    operation: "product(id) of an active product",
    call: gql(`query($id: ID!) { product(id: $id) { ${PRODUCT_FIELDS} } }`, () => ({ id: product.id })),
    anonymous: (data) => assert.equal(data.product.id, product.id),
    user: (data) => assert.equal(data.product.id, product.id),
    admin: (data) => assert.equal(data.product.id, product.id),
  },
  {
    operation: "product(id) of an inactive product",
    call: gql(`query($id: ID!) { product(id: $id) { id active } }`, () => ({ id: hidden.id })),
    anonymous: equals("product", null),
    user: equals("product", null),
    admin: (data) => assert.deepEqual(data.product, { id: hidden.id, active: false }),
  },
  {
    operation: "products (inactive ones only for an ADMIN)",
    call: gql(`query($search: String) { products(search: $search) { totalCount edges { node { id } } } }`, () => ({
      search: "MATRIX-",
    })),
    anonymous: (data) => assert.deepEqual(data.products.edges.map((e: any) => e.node.id), [product.id]),
    user: (data) => assert.deepEqual(data.products.edges.map((e: any) => e.node.id), [product.id]),
    admin: (data) => assert.deepEqual(data.products.edges.map((e: any) => e.node.id), [product.id]),
  },
  {
    operation: "products search of the inactive product",
    call: gql(`query($search: String) { products(search: $search) { totalCount } }`, () => ({ search: hidden.sku })),
    anonymous: (data) => assert.equal(data.products.totalCount, 0),
    user: (data) => assert.equal(data.products.totalCount, 0),
    admin: (data) => assert.equal(data.products.totalCount, 1),
  },
  {
    operation: "createProduct",
    call: gql(CREATE_PRODUCT, () => ({ input: { sku: uniqueSku("NEW"), name: "New", priceCents: 1, stock: 1 } })),
    anonymous: "UNAUTHENTICATED",
    user: "FORBIDDEN",
    admin: (data) => assert.equal(data.createProduct.active, true),
  },
  {
    operation: "updateProduct",
    call: gql(UPDATE_PRODUCT, () => ({ id: product.id, input: { description: "Updated by the matrix" } })),
    anonymous: "UNAUTHENTICATED",
    user: "FORBIDDEN",
    admin: (data) => assert.equal(data.updateProduct.description, "Updated by the matrix"),
  },
  {
    operation: "cart",
    call: gql(CART),
    anonymous: equals("cart", { lines: [], itemCount: 0, totalCents: 0 }),
    user: equals("cart", { lines: [], itemCount: 0, totalCents: 0 }),
    admin: equals("cart", { lines: [], itemCount: 0, totalCents: 0 }),
  },
  ...(
    [
      ["addToCart", ADD_TO_CART, { quantity: 2 }, 2],
      ["setCartQuantity", SET_CART_QUANTITY, { quantity: 3 }, 3],
    ] as const
  ).map(
    ([operation, document, extra, quantity]): Row => {
      const check = (data: any) => assert.deepEqual([data[operation].itemCount, data[operation].totalCents], [quantity, quantity * 250]);
      return { operation, call: gql(document, () => ({ productId: product.id, ...extra })), anonymous: check, user: check, admin: check };
    },
  ),
  ...(
    [
      ["removeFromCart", REMOVE_FROM_CART],
      ["clearCart", CLEAR_CART],
    ] as const
  ).map(([operation, document]): Row => {
    const check = (data: any) => assert.deepEqual(data[operation], { lines: [], itemCount: 0, totalCents: 0 });
    const call = async (w: World) => {
      await w.client.ok(ADD_TO_CART, { productId: product.id, quantity: 1 });
      return w.client.gql(document, { productId: product.id });
    };
    return { operation, call, anonymous: check, user: check, admin: check };
  }),
  {
    operation: "checkout (one line in the cart)",
    call: async (w) => {
      await w.client.ok(`mutation($p: ID!) { addToCart(productId: $p) { ${CART_FIELDS} } }`, { p: product.id });
      return w.client.gql(CHECKOUT);
    },
    anonymous: "UNAUTHENTICATED",
    user: (data) => assert.equal(data.checkout.totalCents, 250),
    admin: (data) => assert.equal(data.checkout.totalCents, 250),
  },
  {
    operation: "orders (after the target has checked out once)",
    call: async (w) => {
      await w.target.client.ok(ADD_TO_CART, { productId: product.id, quantity: 1 });
      await w.target.client.ok(CHECKOUT);
      return w.client.gql(`{ orders { totalCount edges { node { id totalCents } } } }`);
    },
    anonymous: "UNAUTHENTICATED",
    // Only one's own orders, for an ADMIN too.
    userSelf: (data) => assert.equal(data.orders.totalCount, 1),
    userOther: (data) => assert.equal(data.orders.totalCount, 0),
    admin: (data) => assert.equal(data.orders.totalCount, 0),
  },
  {
    operation: "securityEvents(userId of the target)",
    call: gql(`query($id: ID) { securityEvents(userId: $id) { totalCount edges { node { type actorId } } } }`, (w) => ({ id: w.target.user.id })),
    anonymous: "UNAUTHENTICATED",
    // The target registered and logged in again (the self column): their own log, or an ADMIN's reading.
    userSelf: (data) => assert.deepEqual(data.securityEvents.edges.map((e: any) => e.node.type), ["LOGIN_SUCCEEDED", "USER_CREATED"]),
    userOther: "FORBIDDEN",
    admin: (data) => assert.deepEqual(data.securityEvents.edges.map((e: any) => e.node.type), ["USER_CREATED"]),
  },
  {
    operation: "securityEvents (own, no userId)",
    call: gql(`{ securityEvents { totalCount edges { node { type } } } }`),
    anonymous: "UNAUTHENTICATED",
    user: (data) => assert.ok(data.securityEvents.totalCount >= 1),
    admin: (data) => assert.ok(data.securityEvents.totalCount >= 1),
  },
  {
    operation: "beginTwoFactorSetup",
    call: gql(`mutation($p: String!) { beginTwoFactorSetup(currentPassword: $p) { recoveryCodes } }`, () => ({ p: STRONG_PASSWORD })),
    anonymous: "UNAUTHENTICATED",
    // For the caller's own account only: there is no way to name another.
    user: (data) => assert.equal(data.beginTwoFactorSetup.recoveryCodes.length, 10),
    admin: (data) => assert.equal(data.beginTwoFactorSetup.recoveryCodes.length, 10),
  },
  {
    operation: "confirmTwoFactorSetup (no setup begun)",
    call: gql(`mutation { confirmTwoFactorSetup(code: "123456") }`),
    anonymous: "UNAUTHENTICATED",
    user: "BAD_USER_INPUT",
    admin: "BAD_USER_INPUT",
  },
  {
    operation: "disableTwoFactor (2FA off)",
    call: gql(`mutation($p: String!) { disableTwoFactor(currentPassword: $p, code: "123456") }`, () => ({ p: STRONG_PASSWORD })),
    anonymous: "UNAUTHENTICATED",
    user: "CONFLICT",
    admin: "CONFLICT",
  },
  {
    operation: "regenerateRecoveryCodes (2FA off)",
    call: gql(`mutation($p: String!) { regenerateRecoveryCodes(currentPassword: $p, code: "123456") }`, () => ({ p: STRONG_PASSWORD })),
    anonymous: "UNAUTHENTICATED",
    user: "CONFLICT",
    admin: "CONFLICT",
  },
  {
    operation: "completeLogin (no pending login)",
    call: gql(`mutation { completeLogin(code: "123456") { id } }`),
    anonymous: "UNAUTHENTICATED",
    user: "UNAUTHENTICATED",
    admin: "UNAUTHENTICATED",
  },
];

const COLUMNS: Column[] = ["anonymous", "userSelf", "userOther", "admin"];

function outcomeFor(row: Row, column: Column): Outcome {
  const outcome = column === "userSelf" || column === "userOther" ? (row[column] ?? row.user) : row[column];
  if (outcome === undefined) throw new Error(`the matrix has no ${column} outcome for ${row.operation}`);
  return outcome;
}

describe("authorization matrix", () => {
  for (const row of rows) {
    describe(row.operation, () => {
      for (const column of COLUMNS) {
        const outcome = outcomeFor(row, column);
        const expected = typeof outcome === "string" ? outcome : "succeeds";
        it(`as ${column}: ${expected}`, async () => {
          const world = await buildWorld(column);
          const res = await row.call(world);
          if (typeof outcome === "string") {
            assert.deepEqual(codes(res), [outcome]);
            // No data leaks with the error (a nullable field comes back as null, a non-null one nulls data).
            for (const value of Object.values(res.data ?? {})) assert.equal(value, null);
          } else {
            assert.deepEqual(res.errors, undefined);
            await outcome(res.data, world);
          }
        });
      }
    });
  }
});
