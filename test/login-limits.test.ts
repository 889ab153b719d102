import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { clientKey } from "../src/limits/client-key";
import { codes, type GqlResponse } from "./helpers/client";
import { STRONG_PASSWORD, USER_FIELDS, login, registerUser, uniqueEmail } from "./helpers/factories";
import { startEmbeddedServer, startTestServer, type TestServer } from "./helpers/server";

// TRUST_PROXY=loopback: the test is the proxy, so X-Forwarded-For names the client.
let ipCounter = 0;
const newIp = () => `203.0.113.${(++ipCounter % 250) + 1}`;
const WRONG = "not the password at all";

function retryAfter(res: GqlResponse): number {
  const error = res.errors?.find((e) => e.extensions?.code === "TOO_MANY_REQUESTS");
  assert.ok(error, `expected TOO_MANY_REQUESTS, got ${JSON.stringify(res.errors)}`);
  return error.extensions!.retryAfterSeconds;
}

describe("login limits on Redis", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("login_limits", {
      TRUST_PROXY: "loopback",
      LOGIN_MAX_FAILURES_PER_ACCOUNT: "10",
      LOGIN_MAX_ATTEMPTS_PER_IP: "20",
      GRAPHQL_MAX_ALIASES: "50",
    });
  });
  after(() => server?.close());

  const from = (ip: string) => server.client({ "x-forwarded-for": ip });
  const account = () => registerUser(from(newIp()));

  it("refuses the 11th failed login for one account although every attempt came from another IP", async () => {
    const user = await account();
    // In parallel, so the limit has to be counted before the passwords are checked.
    const results = await Promise.all(Array.from({ length: 11 }, () => login(from(newIp()), user.email, WRONG)));
    const all = results.map((r) => codes(r)[0]).sort();
    assert.deepEqual(all, [...Array(10).fill("BAD_USER_INPUT"), "TOO_MANY_REQUESTS"].sort());
    const wait = retryAfter(results.find((r) => codes(r)[0] === "TOO_MANY_REQUESTS")!);
    assert.ok(Number.isInteger(wait) && wait >= 1 && wait <= server.config.limits.windowS, `retryAfterSeconds ${wait}`);
  });

  it("refuses even the right password from a new client while the account is locked, so the lock reveals nothing", async () => {
    const user = await account();
    for (let i = 0; i < 10; i++) assert.deepEqual(codes(await login(from(newIp()), user.email, WRONG)), ["BAD_USER_INPUT"]);
    const client = from(newIp());
    const res = await login(client, user.email, user.password);
    assert.deepEqual(codes(res), ["TOO_MANY_REQUESTS"]);
    assert.equal(res.data, undefined);
    assert.equal((await client.cookies()).length, 0);
  });

  it("counts an email in any letter case as the same account", async () => {
    const user = await account();
    const spellings = [user.email, user.email.toUpperCase(), ` ${user.email} `];
    for (let i = 0; i < 10; i++) await login(from(newIp()), spellings[i % 3], WRONG);
    assert.deepEqual(codes(await login(from(newIp()), user.email.toUpperCase(), WRONG)), ["TOO_MANY_REQUESTS"]);
  });

  it("lets the owner in from a client that logged in to the account before, while strangers stay locked out", async () => {
    const user = await account();
    const ownerIp = newIp();
    assert.deepEqual(codes(await login(from(ownerIp), user.email)), []);
    for (let i = 0; i < 11; i++) await login(from(newIp()), user.email, WRONG);
    assert.deepEqual(codes(await login(from(newIp()), user.email)), ["TOO_MANY_REQUESTS"]);
    const owner = from(ownerIp);
    const res = await login(owner, user.email);
    assert.deepEqual(codes(res), []);
    assert.equal(res.data.login.id, user.id);
  });

  it("still limits a known client's own failures", async () => {
    const user = await account();
    const ip = newIp();
    assert.deepEqual(codes(await login(from(ip), user.email)), []);
    for (let i = 0; i < 10; i++) assert.deepEqual(codes(await login(from(ip), user.email, WRONG)), ["BAD_USER_INPUT"]);
    assert.deepEqual(codes(await login(from(ip), user.email)), ["TOO_MANY_REQUESTS"]);
  });

  it("forgets an account's failures after a successful login", async () => {
    const user = await account();
    for (let i = 0; i < 9; i++) await login(from(newIp()), user.email, WRONG);
    assert.deepEqual(codes(await login(from(newIp()), user.email)), []);
    for (let i = 0; i < 10; i++) assert.deepEqual(codes(await login(from(newIp()), user.email, WRONG)), ["BAD_USER_INPUT"]);
    assert.deepEqual(codes(await login(from(newIp()), user.email, WRONG)), ["TOO_MANY_REQUESTS"]);
  });

  it("limits guesses at the current password through changePassword, per user, counted before the check", async () => {
    const client = from(newIp());
    const user = await registerUser(client);
    const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
    const guess = () => client.gql(CHANGE, { c: WRONG, n: "a brand new passphrase 1" });
    // In parallel, so the limit has to be counted before the passwords are checked.
    const results = await Promise.all(Array.from({ length: 11 }, guess));
    assert.deepEqual(results.map((r) => codes(r)[0]).sort(), [...Array(10).fill("BAD_USER_INPUT"), "TOO_MANY_REQUESTS"].sort());
    // Even the right password is refused now, and nothing changed: the old password still logs in.
    const right = await client.gql(CHANGE, { c: user.password, n: "a brand new passphrase 2" });
    assert.deepEqual(codes(right), ["TOO_MANY_REQUESTS"]);
    assert.ok(retryAfter(right) >= 1);
    assert.deepEqual(codes(await login(from(newIp()), user.email, user.password)), []);
  });

  it("forgets a user's wrong current passwords after a right one", async () => {
    const client = from(newIp());
    const user = await registerUser(client);
    const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
    for (let i = 0; i < 9; i++) assert.deepEqual(codes(await client.gql(CHANGE, { c: WRONG, n: "a brand new passphrase 3" })), ["BAD_USER_INPUT"]);
    const changed = await client.gql(CHANGE, { c: user.password, n: "a brand new passphrase 4" });
    assert.deepEqual(codes(changed), []);
    for (let i = 0; i < 9; i++) assert.deepEqual(codes(await client.gql(CHANGE, { c: WRONG, n: "a brand new passphrase 5" })), ["BAD_USER_INPUT"]);
  });

  it("locks unknown emails the same way, so the limit does not tell which accounts exist", async () => {
    const email = uniqueEmail("nobody");
    for (let i = 0; i < 10; i++) assert.deepEqual(codes(await login(from(newIp()), email, WRONG)), ["BAD_USER_INPUT"]);
    assert.deepEqual(codes(await login(from(newIp()), email, WRONG)), ["TOO_MANY_REQUESTS"]);
  });

  it("counts every aliased login in one request against the client's IP", async () => {
    const user = await account();
    const ip = newIp();
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: login(email: $email, password: $password) { id }`);
    const res = await from(ip).gql(`mutation($email: String!, $password: String!) { ${aliases.join(" ")} }`, {
      email: user.email,
      password: user.password,
    });
    // Mutations run one after another; the 21st attempt from this IP is refused and ends the request.
    assert.deepEqual(codes(res), ["TOO_MANY_REQUESTS"]);
    assert.deepEqual(res.errors![0].path, ["a20"]);
    assert.deepEqual(codes(await login(from(ip), user.email)), ["TOO_MANY_REQUESTS"]);
  });

  it("gets one password guess, not 30, out of a request with 30 aliased logins", async () => {
    const user = await account();
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: login(email: $email, password: "guess number ${i}") { id }`);
    const res = await from(newIp()).gql(`mutation($email: String!) { ${aliases.join(" ")} }`, { email: user.email });
    // login returns User!, so the first wrong password nulls the whole mutation and stops it.
    assert.deepEqual(codes(res), ["BAD_USER_INPUT"]);
    assert.deepEqual(res.errors![0].path, ["a0"]);
    for (let i = 0; i < 9; i++) assert.deepEqual(codes(await login(from(newIp()), user.email, WRONG)), ["BAD_USER_INPUT"]);
    assert.deepEqual(codes(await login(from(newIp()), user.email, WRONG)), ["TOO_MANY_REQUESTS"]);
  });

  it("counts login and register attempts together per client IP", async () => {
    const ip = newIp();
    const other = newIp();
    const user = await account();
    const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`;
    for (let i = 0; i < 10; i++) {
      await from(ip).gql(REGISTER, { input: { email: uniqueEmail(), name: "Flood", password: STRONG_PASSWORD } });
      await login(from(ip), user.email, i === 9 ? user.password : WRONG + i);
    }
    const refused = await from(ip).gql(REGISTER, { input: { email: uniqueEmail(), name: "Flood", password: STRONG_PASSWORD } });
    assert.deepEqual(codes(refused), ["TOO_MANY_REQUESTS"]);
    assert.deepEqual(codes(await login(from(ip), user.email)), ["TOO_MANY_REQUESTS"]);
    assert.deepEqual(codes(await login(from(other), user.email)), []);
  });
});

describe("login limits without TRUST_PROXY", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("login_limits_direct", { LOGIN_MAX_ATTEMPTS_PER_IP: "3" });
  });
  after(() => server?.close());

  it("ignores X-Forwarded-For and counts the connection's address", async () => {
    const user = await registerUser(server.client({ "x-forwarded-for": newIp() }));
    for (let i = 0; i < 2; i++) await login(server.client({ "x-forwarded-for": newIp() }), user.email, WRONG);
    assert.deepEqual(codes(await login(server.client({ "x-forwarded-for": newIp() }), user.email)), ["TOO_MANY_REQUESTS"]);
  });
});

describe("login limits on the embedded default (in process)", () => {
  let server: TestServer;
  before(async () => {
    server = await startEmbeddedServer({ TRUST_PROXY: "loopback", LOGIN_MAX_FAILURES_PER_ACCOUNT: "3" });
  });
  after(() => server?.close());
  const from = (ip: string) => server.client({ "x-forwarded-for": ip });

  it("locks the account for new clients, and lets the owner in from a known client", async () => {
    const user = await registerUser(from(newIp()));
    const ownerIp = newIp();
    assert.deepEqual(codes(await login(from(ownerIp), user.email)), []);
    for (let i = 0; i < 3; i++) assert.deepEqual(codes(await login(from(newIp()), user.email, WRONG)), ["BAD_USER_INPUT"]);
    assert.deepEqual(codes(await login(from(newIp()), user.email)), ["TOO_MANY_REQUESTS"]);
    assert.deepEqual(codes(await login(from(ownerIp), user.email)), []);
  });
});

describe("the end of a lockout", () => {
  let server: TestServer;
  before(async () => {
    // A short window, so the test can wait it out.
    server = await startEmbeddedServer({ TRUST_PROXY: "loopback", LOGIN_MAX_FAILURES_PER_ACCOUNT: "2", RATE_LIMIT_WINDOW_S: "3" });
  });
  after(() => server?.close());
  const from = (ip: string) => server.client({ "x-forwarded-for": ip });

  it("comes with the end of the window: the owner gets in again without anyone's help", async () => {
    const user = await registerUser(from(newIp()));
    await Promise.all([login(from(newIp()), user.email, WRONG), login(from(newIp()), user.email, WRONG)]);
    const locked = await login(from(newIp()), user.email);
    await sleep(retryAfter(locked) * 1000 + 100);
    assert.deepEqual(codes(await login(from(newIp()), user.email)), []);
  });
});

describe("the client a login attempt is counted against", () => {
  it("is the IPv4 address, also when written as IPv4-mapped IPv6", () => {
    assert.equal(clientKey("203.0.113.9"), "203.0.113.9");
    assert.equal(clientKey("::ffff:203.0.113.9"), "203.0.113.9");
  });

  it("is the /64 of an IPv6 address, however the address is written", () => {
    const key = clientKey("2001:db8:aa:bb::1");
    assert.equal(key, "2001:db8:aa:bb::/64");
    assert.equal(clientKey("2001:0db8:00aa:00bb:ffff:1:2:3"), key);
    assert.notEqual(clientKey("2001:db8:aa:bc::1"), key);
    assert.equal(clientKey("::1"), "0:0:0:0::/64");
  });
});
