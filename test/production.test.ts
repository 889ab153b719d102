import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GraphQLError } from "graphql";
import { makeFormatError } from "../src/http/format-error";
import { STRONG_PASSWORD, USER_FIELDS, registerUser, uniqueEmail } from "./helpers/factories";
import { PRODUCTION_MAIL_ENV, startTestServer, type TestServer } from "./helpers/server";

const ALLOWED_ORIGIN = "https://shop.example.test";
const REGISTER = `mutation($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`;
// Requests arrive as if through the TLS proxy named by TRUST_PROXY, so the session cookie can be Secure.
const VIA_TLS_PROXY = { "x-forwarded-proto": "https" };

const PROBES: Record<string, { query: string; variables?: Record<string, unknown> }> = {
  "a misspelt field": { query: "{ mee { id } }" },
  "a misspelt argument": { query: `mutation { login(emial: "a@b.c", password: "x") { id } }` },
  "a misspelt type": { query: "query($i: RegistrInput!) { me { id } }" },
  "a misspelt input field in a variable": {
    query: "mutation($input: RegisterInput!) { register(input: $input) { id } }",
    variables: { input: { emial: "a@b.c", email: "a@b.c", name: "A", password: "p" } },
  },
};

let prod: TestServer;
let dev: TestServer;
before(async () => {
  [prod, dev] = await Promise.all([
    startTestServer("production", {
      NODE_ENV: "production",
      ...PRODUCTION_MAIL_ENV,
      HOST: "127.0.0.1",
      TRUST_PROXY: "loopback",
      CORS_ORIGINS: `${ALLOWED_ORIGIN},https://admin.example.test`,
      LOG_LEVEL: "silent",
    }),
    startTestServer("production_control", { CORS_ORIGINS: ALLOWED_ORIGIN }),
  ]);
});
after(() => Promise.all([prod?.close(), dev?.close()]));

async function raw(server: TestServer, init: RequestInit & { path?: string } = {}) {
  const res = await fetch(server.url.replace("/graphql", init.path ?? "/graphql"), init);
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
const postJson = (server: TestServer, body: unknown, headers: Record<string, string> = {}) =>
  raw(server, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const errorCodes = (json: any) => (json?.errors ?? []).map((e: any) => e.extensions?.code);

describe("in production", () => {
  it("refuses introspection (__schema and __type), however often it is asked", async () => {
    // Asked twice: a refused document is never prepared (src/http/prepared-operations.ts), so the refusal repeats.
    for (const query of ["{ __schema { types { name } } }", `{ __type(name: "User") { fields { name } } }`]) {
      for (let i = 0; i < 2; i++) {
        const res = await postJson(prod, { query });
        assert.equal(res.status, 400);
        assert.deepEqual(errorCodes(res.json), ["GRAPHQL_VALIDATION_FAILED"]);
        assert.equal(res.json.data, undefined);
      }
    }
  });

  for (const [what, probe] of Object.entries(PROBES)) {
    it(`answers ${what} without a "Did you mean" suggestion (development keeps it)`, async () => {
      const [inProduction, inDevelopment] = await Promise.all([postJson(prod, probe), postJson(dev, probe)]);
      assert.ok(inProduction.json.errors.length > 0);
      assert.doesNotMatch(inProduction.text, /Did you mean/i);
      assert.match(inDevelopment.text, /Did you mean/);
    });
  }

  it("puts no stack trace in any error", async () => {
    const answers = await Promise.all([
      ...Object.values(PROBES).map((probe) => postJson(prod, probe)),
      postJson(prod, { query: "mutation { login(email: \"nobody@example.test\", password: \"wrong password\") { id } }" }, VIA_TLS_PROXY),
      postJson(prod, { query: "{ sessions { id } }" }),
    ]);
    for (const res of answers) {
      assert.ok(res.json.errors.length > 0);
      assert.doesNotMatch(res.text, /stacktrace|\.js:\d+|at [\w.]+ \(/);
    }
  });

  it("answers a malformed JSON body with a JSON 400, never an HTML page", async () => {
    const res = await raw(prod, { method: "POST", headers: { "content-type": "application/json" }, body: '{"query": "{ me { id } }"' });
    assert.equal(res.status, 400);
    assert.match(res.headers.get("content-type")!, /^application\/json/);
    assert.deepEqual(errorCodes(res.json), ["BAD_REQUEST"]);
    assert.doesNotMatch(res.text, /<html|SyntaxError|at JSON/i);
  });

  it("answers an unknown path with a JSON 404", async () => {
    const res = await raw(prod, { path: "/nothing-here" });
    assert.equal(res.status, 404);
    assert.deepEqual(errorCodes(res.json), ["NOT_FOUND"]);
  });

  it("sets the session cookie Secure, HttpOnly, SameSite=Lax behind the TLS proxy", async () => {
    const input = { email: uniqueEmail(), name: "Prod User", password: STRONG_PASSWORD };
    const res = await raw(prod, {
      method: "POST",
      headers: { "content-type": "application/json", ...VIA_TLS_PROXY },
      body: JSON.stringify({ query: REGISTER, variables: { input } }),
    });
    const cookie = res.headers.get("set-cookie")!;
    assert.match(cookie, new RegExp(`^${prod.config.session.cookieName}=`));
    for (const attribute of [/; Secure/i, /; HttpOnly/i, /; SameSite=Lax/i, /; Path=\//i]) assert.match(cookie, attribute);
  });
});

describe("CSRF prevention", () => {
  it("refuses a text/plain POST, which a browser sends without a preflight, and runs nothing", async () => {
    const input = { email: uniqueEmail("csrf"), name: "Csrf", password: STRONG_PASSWORD };
    const res = await raw(prod, {
      method: "POST",
      headers: { "content-type": "text/plain", ...VIA_TLS_PROXY },
      body: JSON.stringify({ query: REGISTER, variables: { input } }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(errorCodes(res.json), ["BAD_REQUEST"]);
    assert.match(res.json.errors[0].message, /Cross-Site Request Forgery/);
    assert.deepEqual(await prod.sql("SELECT id FROM users WHERE email = ?", [input.email.toLowerCase()]), []);
  });

  it("refuses a mutation sent with GET, with or without a preflight header, and the session survives", async () => {
    const client = dev.client();
    await registerUser(client);
    const url = `${dev.url}?query=${encodeURIComponent("mutation { logout }")}`;
    const cookie = await client.cookieHeader();
    const simple = await fetch(url, { headers: { cookie } });
    assert.equal(simple.status, 400);
    assert.match(await simple.text(), /Cross-Site Request Forgery/);
    const preflighted = await fetch(url, { headers: { cookie, "apollo-require-preflight": "true" } });
    assert.equal(preflighted.status, 405);
    assert.notEqual((await client.ok("{ me { id } }")).me, null);
  });

  it("answers a query sent with GET when it carries a preflight header", async () => {
    const res = await fetch(`${dev.url}?query=${encodeURIComponent("{ me { id } }")}`, { headers: { "apollo-require-preflight": "1" } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { data: { me: null } });
  });
});

describe("CORS", () => {
  const preflight = (origin: string) =>
    raw(prod, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
    });

  it("allows an origin from CORS_ORIGINS, with credentials, naming the origin (never *)", async () => {
    const res = await postJson(prod, { query: "{ me { id } }" }, { origin: "https://admin.example.test" });
    assert.equal(res.headers.get("access-control-allow-origin"), "https://admin.example.test");
    assert.equal(res.headers.get("access-control-allow-credentials"), "true");
    assert.match(res.headers.get("vary") ?? "", /Origin/i);
    const pre = await preflight(ALLOWED_ORIGIN);
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), ALLOWED_ORIGIN);
    assert.match(pre.headers.get("access-control-allow-methods")!, /POST/);
  });

  it("gives any other origin no Access-Control-Allow-Origin at all", async () => {
    for (const origin of ["https://evil.example.test", "null", "https://shop.example.test.evil.test"]) {
      const res = await postJson(prod, { query: "{ me { id } }" }, { origin });
      assert.equal(res.headers.get("access-control-allow-origin"), null, origin);
      assert.equal((await preflight(origin)).headers.get("access-control-allow-origin"), null, origin);
    }
  });
});

describe("security headers", () => {
  const policy = (header: string | null) =>
    Object.fromEntries((header ?? "").split(";").map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name, values]));

  it("allow nothing from another host, forbid framing and sniffing, and pin HTTPS in production", async () => {
    const res = await postJson(prod, { query: "{ me { id } }" });
    const csp = policy(res.headers.get("content-security-policy"));
    assert.deepEqual(csp["default-src"], ["'self'"]);
    assert.deepEqual(csp["script-src"], ["'self'"]);
    assert.deepEqual(csp["frame-ancestors"], ["'none'"]);
    assert.ok("upgrade-insecure-requests" in csp);
    for (const values of Object.values(csp)) for (const v of values) assert.match(v, /^('[\w-]+'|data:|blob:)$/);
    assert.equal(res.headers.get("x-content-type-options"), "nosniff");
    assert.equal(res.headers.get("x-frame-options"), "DENY");
    assert.match(res.headers.get("strict-transport-security")!, /max-age=\d+/);
    assert.equal(res.headers.get("x-powered-by"), null);
  });

  it("in development, neither pin HTTPS nor upgrade requests (the playground runs on http://localhost)", async () => {
    const res = await postJson(dev, { query: "{ me { id } }" });
    const csp = policy(res.headers.get("content-security-policy"));
    assert.ok(!("upgrade-insecure-requests" in csp));
    assert.deepEqual(csp["script-src"], ["'self'"]);
    assert.equal(res.headers.get("strict-transport-security"), null);
  });
});

describe("formatError, the one masking place", () => {
  const prodFormat = makeFormatError({ exposeInternals: false, hideSuggestions: true });
  const devFormat = makeFormatError({ exposeInternals: true, hideSuggestions: false });
  const asFormatted = (e: GraphQLError) => e.toJSON();

  it("masks an unknown error as INTERNAL_SERVER_ERROR with no message, stack or SQL", () => {
    const original = new Error("ER_BAD_FIELD_ERROR: select `secret` from users");
    const wrapped = new GraphQLError(original.message, { originalError: original, path: ["me"] });
    const formatted = prodFormat({ ...asFormatted(wrapped), extensions: { stacktrace: ["at x"] } }, wrapped);
    assert.deepEqual(formatted, { message: "Internal server error", path: ["me"], extensions: { code: "INTERNAL_SERVER_ERROR" } });
    assert.equal(devFormat(asFormatted(wrapped), wrapped).message, original.message);
  });

  it("turns a refused connection into SERVICE_UNAVAILABLE", () => {
    const original = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:3306"), { code: "ECONNREFUSED" });
    const wrapped = new GraphQLError(original.message, { originalError: original, path: ["login"] });
    assert.deepEqual(prodFormat(asFormatted(wrapped), wrapped).extensions, { code: "SERVICE_UNAVAILABLE" });
    assert.doesNotMatch(prodFormat(asFormatted(wrapped), wrapped).message, /3306/);
  });

  it("passes contract errors through, with suggestions removed in production only", () => {
    const error = new GraphQLError('Cannot query field "mee" on type "Query". Did you mean "me"?', {
      extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
    });
    assert.equal(prodFormat(asFormatted(error), error).message, 'Cannot query field "mee" on type "Query".');
    assert.equal(devFormat(asFormatted(error), error).message, error.message);
  });
});
