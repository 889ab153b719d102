import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { codes } from "./helpers/client";
import { login, registerUser, STRONG_PASSWORD } from "./helpers/factories";
import { startInstance } from "./helpers/instances";
import { freshDependencies, REDIS_URL, startEmbeddedServer, startTestServer, TEST_SECRET, type TestServer } from "./helpers/server";

const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { id email } }`;
const tag = () => randomBytes(3).toString("hex");

for (const kind of ["mysql", "sqlite"] as const) {
  describe(`one canonical form of an email decides identity (${kind})`, () => {
    let server: TestServer;
    before(async () => {
      const env = { LOGIN_MAX_FAILURES_PER_ACCOUNT: "10" };
      server = kind === "mysql" ? await startTestServer("canonical_email", env) : await startEmbeddedServer(env);
    });
    after(() => server?.close());

    it("10 wrong passwords on bob@ lock bob@ under every spelling of it, and no accented spelling reaches bob's account", async () => {
      const domain = `${tag()}.example.test`;
      const bob = await registerUser(server.client(), { email: `bob@${domain}` });
      const attacker = server.client();
      for (let i = 0; i < 10; i++) assert.deepEqual(codes(await login(attacker, `bob@${domain}`, "wrong password")), ["BAD_USER_INPUT"]);
      // Locked: the right password from a new client, under the same canonical form, is refused too.
      assert.deepEqual(codes(await login(attacker, ` BOB@${domain.toUpperCase()} `)), ["TOO_MANY_REQUESTS"]);
      assert.deepEqual(codes(await login(attacker, `ｂob@${domain}`)), ["TOO_MANY_REQUESTS"], "full-width b is b after NFKC");
      // Other addresses: no account, and their own budgets; bob's password does not open bob's account.
      for (const spelling of [`böb@${domain}`, `bób@${domain}`, `bo\u0301b@${domain}`]) {
        const res = await login(attacker, spelling, bob.password);
        assert.deepEqual(codes(res), ["BAD_USER_INPUT"], spelling);
        assert.equal(res.data?.login ?? null, null);
      }
    });

    it("alïce@ and alice@ are two accounts: registering one does not collide with the other", async () => {
      const domain = `${tag()}.example.test`;
      const alice = await registerUser(server.client(), { email: `alice@${domain}` });
      const alie = await registerUser(server.client(), { email: `alïce@${domain}`, password: "another horse battery staple" });
      assert.notEqual(alie.id, alice.id);
      assert.equal(alie.email, `alïce@${domain}`);
      assert.equal((await login(server.client(), `alice@${domain}`)).data.login.id, alice.id);
      assert.equal((await login(server.client(), `ALÏCE@${domain}`, "another horse battery staple")).data.login.id, alie.id);
      assert.deepEqual(codes(await login(server.client(), `alice@${domain}`, "another horse battery staple")), ["BAD_USER_INPUT"]);
      // A composed and a decomposed ï are one address: CONFLICT.
      const again = await server.client().gql(REGISTER, { input: { email: `ali\u0308ce@${domain}`, name: "Copy", password: STRONG_PASSWORD } });
      assert.deepEqual(codes(again), ["CONFLICT"]);
    });

    for (const [label, character] of [["zero-width space", "\u200b"], ["bidi override", "\u202e"], ["control character", "\u0007"], ["zero-width joiner", "\u200d"]]) {
      it(`a ${label} in an email or a name is BAD_USER_INPUT`, async () => {
        const email = await server.client().gql(REGISTER, { input: { email: `ev${character}e@${tag()}.example.test`, name: "Eve", password: STRONG_PASSWORD } });
        assert.deepEqual(codes(email), ["BAD_USER_INPUT"]);
        assert.ok(email.errors![0].extensions!.fields.email);
        const name = await server.client().gql(REGISTER, { input: { email: `eve@${tag()}.example.test`, name: `Eve${character}gpj.exe`, password: STRONG_PASSWORD } });
        assert.deepEqual(codes(name), ["BAD_USER_INPUT"]);
        assert.ok(name.errors![0].extensions!.fields.name);
        const user = await registerUser(server.client(), {});
        const self = server.client();
        await login(self, user.email);
        const update = await self.gql(`mutation($id: ID!, $input: UpdateUserInput!) { updateUser(id: $id, input: $input) { id } }`, { id: user.id, input: { name: `A${character}` } });
        assert.deepEqual(codes(update), ["BAD_USER_INPUT"]);
      });
    }
  });
}

describe("the ADMIN bootstrap and look-alike addresses", () => {
  it("an account registered as bóotstrap-admin@ does not stop the bootstrap of bootstrap-admin@; an existing USER under the address is logged", async () => {
    const { databaseUrl, redisPrefix } = await freshDependencies("canonical_bootstrap");
    const env = { DATABASE_URL: databaseUrl, REDIS_URL, REDIS_KEY_PREFIX: redisPrefix, SESSION_SECRET: TEST_SECRET };
    const domain = `${tag()}.example.test`;
    const first = await startInstance(env);
    try {
      await registerUser(first.client(), { email: `bóotstrap-admin@${domain}` });
      await registerUser(first.client(), { email: `taken@${domain}` });
    } finally {
      await first.stop();
    }
    const second = await startInstance({ ...env, ADMIN_EMAIL: `bootstrap-admin@${domain}`, ADMIN_PASSWORD: STRONG_PASSWORD });
    try {
      const res = await login(second.client(), `bootstrap-admin@${domain}`);
      assert.equal(res.data?.login?.role, "ADMIN", JSON.stringify(res));
    } finally {
      await second.stop();
    }
    const third = await startInstance({ ...env, ADMIN_EMAIL: `Taken@${domain}`, ADMIN_PASSWORD: "an admin horse battery staple" });
    try {
      assert.equal((await login(third.client(), `taken@${domain}`)).data.login.role, "USER");
      assert.ok(third.logLines().some((l) => l.level === 40 && /ADMIN_EMAIL: a USER account has this email already/.test(l.msg)), "the skipped bootstrap is logged");
    } finally {
      await third.stop();
    }
  });
});
