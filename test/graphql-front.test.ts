import assert from "node:assert/strict";
import { createServer, IncomingMessage, ServerResponse, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import express, { type RequestHandler } from "express";
import { ensureExpress, graphqlFront } from "../src/http/graphql-front";
import { STRONG_PASSWORD, uniqueEmail } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import { PRODUCTION_MAIL_ENV, processEnv } from "./helpers/server";

describe("the GraphQL front", () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];

  before(async () => {
    const app = express();
    app.set("trust proxy", "loopback");
    app.use((_req, res) => void res.json({ by: "app" }));
    const rest = [
      ((req, res) => void res.json({ by: "rest", body: req.body ?? null, ip: req.ip })) as RequestHandler,
      ((err, _req, res, _next) => void res.status(418).json({ by: "rest", error: String(err.message) })) as express.ErrorRequestHandler,
    ];
    const handlers: RequestHandler[] = [
      (req, res, next) => {
        seen.push(Object.getPrototypeOf(req) === IncomingMessage.prototype && Object.getPrototypeOf(res) === ServerResponse.prototype ? "node" : "express");
        next();
      },
      express.json(),
      (req, res, next) => {
        const { action } = req.body as { action: string };
        if (action === "answer") return void res.end(JSON.stringify({ by: "front", ip: req.ip, secure: req.secure, url: req.originalUrl }));
        if (action === "fail") return next(new Error("passed on"));
        if (action === "throw") throw new Error("thrown");
        if (action === "express") {
          ensureExpress(req, res);
          return void res.status(201).json({ by: "front, as Express" });
        }
        next();
      },
    ];
    server = createServer(graphqlFront(app, handlers, rest));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url + path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    return { status: res.status, json: await res.json() };
  };

  it("runs the handlers on Node's own objects, with ip, protocol and secure as Express would compute them", async () => {
    seen.length = 0;
    const res = await post("/graphql", { action: "answer" }, { "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.9" });
    assert.deepEqual(res.json, { by: "front", ip: "203.0.113.9", secure: true, url: "/graphql" });
    assert.deepEqual(seen, ["node"]);
    assert.deepEqual((await post("/graphql", { action: "answer" })).json, { by: "front", ip: "127.0.0.1", secure: false, url: "/graphql" });
  });

  it("hands what the handlers pass on to the rest, parsed body and all, and errors with the error", async () => {
    assert.deepEqual((await post("/graphql", { action: "next" })).json, { by: "rest", body: { action: "next" }, ip: "127.0.0.1" });
    assert.deepEqual(await post("/graphql", { action: "fail" }), { status: 418, json: { by: "rest", error: "passed on" } });
    assert.deepEqual(await post("/graphql", { action: "throw" }), { status: 418, json: { by: "rest", error: "thrown" } });
  });

  it("gives a request Express's methods when a handler asks for them", async () => {
    assert.deepEqual(await post("/graphql", { action: "express" }), { status: 201, json: { by: "front, as Express" } });
  });

  it("leaves every other request to the Express app", async () => {
    seen.length = 0;
    assert.deepEqual((await post("/graphql?x=1", { action: "answer" })).json, { by: "app" });
    assert.deepEqual((await post("/other", { action: "answer" })).json, { by: "app" });
    const text = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" });
    assert.deepEqual(await text.json(), { by: "app" });
    assert.deepEqual(await (await fetch(`${url}/graphql`)).json(), { by: "app" });
    assert.deepEqual(seen, []);
  });
});

describe("the API through the front and through Express answers the same", () => {
  let api: Instance;
  const ORIGIN = "https://shop.example.test";
  before(async () => {
    api = await startInstance(
      await processEnv("graphql_front", { NODE_ENV: "production", ...PRODUCTION_MAIL_ENV, HOST: "127.0.0.1", TRUST_PROXY: "loopback", CORS_ORIGINS: ORIGIN, LOG_LEVEL: "info" }),
    );
  });
  after(() => api?.stop());

  /** `/graphql` goes through the front; `/graphql?via=express` (any query string) through the Express app. */
  async function both(body: string, headers: Record<string, string> = {}) {
    const send = async (path: string) => {
      const res = await fetch(api.url.replace("/graphql", path), {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-proto": "https", ...headers },
        body,
      });
      const shown = Array.from(res.headers as unknown as Iterable<[string, string]>).filter(([name]) => !["date", "x-request-id", "set-cookie"].includes(name));
      // Cookies differ in their session ids only.
      const cookies = res.headers.getSetCookie().map((c) => c.replace(/=[^;]*/, "=<id>"));
      return { status: res.status, headers: Object.fromEntries(shown), cookies, body: await res.text() };
    };
    const [front, viaExpress] = [await send("/graphql"), await send("/graphql?via=express")];
    assert.deepEqual(front, viaExpress);
    return front;
  }

  it("for a query, a mutation that starts a session, an error, and CORS allowed or not", async () => {
    const me = JSON.stringify({ query: "{ me { id } }" });
    for (let i = 0; i < 2; i++) await both(me); // the second time, prepared on both paths
    const allowed = await both(me, { origin: ORIGIN });
    assert.equal(allowed.headers["access-control-allow-origin"], ORIGIN);
    const refused = await both(me, { origin: "https://evil.example.test" });
    assert.equal(refused.headers["access-control-allow-origin"], undefined);
    assert.match(refused.headers["content-security-policy"], /default-src 'self'/);

    // A refused registration (the email is not one), twice so that the second runs prepared on both paths.
    const refusedRegistration = JSON.stringify({
      query: "mutation($input: RegisterInput!) { register(input: $input) { id } }",
      variables: { input: { email: "not an email", name: "Front", password: STRONG_PASSWORD } },
    });
    for (let i = 0; i < 2; i++) assert.match((await both(refusedRegistration)).body, /BAD_USER_INPUT/);
    await both(JSON.stringify({ query: "{ orders { totalCount } }" }));
  });

  it("for a session: the same Secure cookie when logging in, the same cleared cookie when logging out", async () => {
    const login = async (path: string) => {
      const email = uniqueEmail("front");
      const register = "mutation($input: RegisterInput!) { register(input: $input) { id } }";
      const res = await fetch(api.url.replace("/graphql", path), {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-proto": "https" },
        body: JSON.stringify({ query: register, variables: { input: { email, name: "Front", password: STRONG_PASSWORD } } }),
      });
      assert.equal(res.status, 200);
      const [cookie] = res.headers.getSetCookie();
      assert.match(cookie, /; Secure/);
      return { attributes: cookie.replace(/=[^;]*/, "=<id>"), cookie: cookie.split(";")[0] };
    };
    const [front, viaExpress] = [await login("/graphql"), await login("/graphql?via=express")];
    assert.equal(front.attributes, viaExpress.attributes);
    const logout = async (path: string, cookie: string) => {
      const res = await fetch(api.url.replace("/graphql", path), {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-proto": "https", cookie },
        body: JSON.stringify({ query: "mutation { logout }" }),
      });
      return { status: res.status, body: await res.text(), cookies: res.headers.getSetCookie() };
    };
    const [out1, out2] = [await logout("/graphql", front.cookie), await logout("/graphql?via=express", viaExpress.cookie)];
    assert.deepEqual(out1, out2);
    assert.match(out1.cookies.join(), /Expires=Thu, 01 Jan 1970/);
  });

  it("for bodies that are not JSON or too large", async () => {
    const broken = await both("{ not json");
    assert.equal(broken.status, 400);
    const large = await both(JSON.stringify({ query: `{ me { id } }`, padding: "x".repeat(70_000) }));
    assert.equal(large.status, 413);
  });
});
