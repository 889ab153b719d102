import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mysql from "mysql2/promise";
import { codes } from "./helpers/client";
import { STRONG_PASSWORD, USER_FIELDS, login, me, registerUser, uniqueEmail } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import { REDIS_URL, TEST_SECRET, freshDependencies } from "./helpers/server";
import { ADD_TO_CART, CHECKOUT, RACE_ENV, addToCart, cartLines, createProduct, loginAdmin, readCart, tally } from "./helpers/shop";

// Two separate API processes (the compiled build) sharing one MySQL database and one Redis prefix,
// as N instances behind a load balancer would.
describe("two instances on the same MySQL and Redis", () => {
  let a: Instance;
  let b: Instance;
  let pool: mysql.Pool;

  before(async () => {
    const { databaseUrl, redisPrefix } = await freshDependencies("scale_out");
    const env = {
      DATABASE_URL: databaseUrl, REDIS_URL, REDIS_KEY_PREFIX: redisPrefix, SESSION_SECRET: TEST_SECRET,
      LOGIN_MAX_ATTEMPTS_PER_IP: "100000", // every request here comes from 127.0.0.1
      ...RACE_ENV, // the shop's administrator, bootstrapped by both instances at once
    };
    // Started together on an empty database: the migration lock makes them take turns.
    [a, b] = await Promise.all([startInstance(env), startInstance(env)]);
    pool = mysql.createPool({ uri: databaseUrl, connectionLimit: 2 });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await pool?.end();
  });

  it("runs as two processes on different ports", () => {
    assert.notEqual(a.port, b.port);
  });

  it("a session made on one instance works on the other", async () => {
    const browser = a.client();
    const user = await registerUser(browser);
    assert.equal((await me(browser.at(b.url)))?.id, user.id);

    const other = b.client();
    assert.equal((await login(other, user.email)).data?.login.id, user.id);
    assert.equal((await me(other.at(a.url)))?.id, user.id);
  });

  it("a logout on one instance is seen by the other at once", async () => {
    const browser = a.client();
    const user = await registerUser(browser);
    const cookie = await browser.cookieHeader();
    assert.equal((await browser.at(b.url).ok(`mutation { logout }`)).logout, true);

    // The old cookie, replayed on the instance that made the session, is anonymous now.
    const replay = await a.client().gql(`{ me { id } }`, undefined, { cookie });
    assert.equal(replay.data?.me, null);
    const needsLogin = await a.client().gql(`{ sessions { id } }`, undefined, { cookie });
    assert.deepEqual(codes(needsLogin), ["UNAUTHENTICATED"]);
    assert.equal((await login(b.client(), user.email)).data?.login.id, user.id);
  });

  it("a session revoked on one instance is refused by the other", async () => {
    const phone = a.client();
    const user = await registerUser(phone);
    const laptop = b.client();
    await login(laptop, user.email);
    const { sessions } = await laptop.ok(`{ sessions { id current } }`);
    const phoneSession = sessions.find((s: { current: boolean }) => !s.current);
    assert.equal((await laptop.ok(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: phoneSession.id })).revokeSession, true);
    assert.deepEqual(codes(await phone.gql(`{ sessions { id } }`)), ["UNAUTHENTICATED"]);
    assert.deepEqual(codes(await phone.at(b.url).gql(`{ sessions { id } }`)), ["UNAUTHENTICATED"]);
  });

  it("concurrent logins of one user through both instances all land in the user's session list", async () => {
    const user = await registerUser(a.client());
    // Eight: under the per-account attempt limit (10), which counts logins in flight before they succeed.
    const browsers = Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).client());
    const results = await Promise.all(browsers.map((browser) => login(browser, user.email)));
    assert.deepEqual(results.map((r) => r.data?.login.id ?? codes(r)[0]), browsers.map(() => user.id));

    const { sessions } = await browsers[0].at(b.url).ok(`{ sessions { id } }`);
    assert.equal(sessions.length, 1 + browsers.length); // the registering browser's session too
    for (const browser of browsers) assert.equal((await me(browser.at(browser.url === a.url ? b.url : a.url)))?.id, user.id);
  });

  it("counts failed logins against an account on every instance (the limits live in Redis)", async () => {
    const user = await registerUser(a.client());
    // The default allows 10 failures per account and window: 5 on each instance, then both refuse.
    for (let i = 0; i < 10; i++) {
      assert.deepEqual(codes(await login((i % 2 ? a : b).client(), user.email, "not the password at all")), ["BAD_USER_INPUT"]);
    }
    for (const instance of [a, b]) assert.deepEqual(codes(await login(instance.client(), user.email, "not the password at all")), ["TOO_MANY_REQUESTS"]);
  });

  it("concurrent registrations through both instances lose none, and one email is taken only once", async () => {
    const emails = Array.from({ length: 10 }, () => uniqueEmail("scale"));
    const register = (instance: Instance, email: string) =>
      instance.client().gql(`mutation($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`, {
        input: { email, name: "Scale Out", password: STRONG_PASSWORD },
      });
    const created = await Promise.all(emails.map((email, i) => register(i % 2 ? a : b, email)));
    assert.deepEqual(created.map(codes), emails.map(() => []));
    const [rows] = await pool.query(`SELECT COUNT(*) AS n FROM users WHERE email IN (?)`, [emails]);
    assert.equal((rows as Array<{ n: number }>)[0].n, emails.length);

    const contested = uniqueEmail("contested");
    const both = await Promise.all([register(a, contested), register(b, contested)]);
    assert.deepEqual(both.map(codes).flat().sort(), ["CONFLICT"]);
  });

  it("concurrent cart adds of one visitor through both instances lose none", async () => {
    const admin = await loginAdmin(a.client());
    const [first, product] = await Promise.all([createProduct(admin), createProduct(admin, { stock: 1000 })]);
    const browser = a.client();
    await addToCart(browser, first.id, 1); // the session exists before the burst, as in a browser
    const sides = [browser, browser.at(b.url)];
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => sides[i % 2].gql(ADD_TO_CART, { productId: product.id, quantity: 1 })),
    );
    assert.deepEqual(results.flatMap((res) => res.errors ?? []), []);
    assert.deepEqual(cartLines(await readCart(browser.at(b.url))), [[first.id, 1], [product.id, 40]]);
  });

  it("concurrent checkouts through both instances never oversell", async () => {
    const admin = await loginAdmin(b.client());
    const product = await createProduct(admin, { stock: 6 });
    const shoppers = await Promise.all(Array.from({ length: 14 }, async (_, i) => {
      const shopper = (i % 2 ? a : b).client();
      await registerUser(shopper);
      await addToCart(shopper, product.id, 1);
      return shopper;
    }));
    const results = await Promise.all(shoppers.map((shopper, i) => shopper.at((i % 2 ? b : a).url).gql(CHECKOUT)));
    assert.deepEqual(tally(results), { OK: 6, OUT_OF_STOCK: 8 });
    const [rows] = await pool.query("SELECT stock FROM products WHERE id = ?", [product.id]);
    assert.equal((rows as Array<{ stock: number }>)[0].stock, 0);
  });
});
