import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Request, Response } from "express";
import { sessionMiddleware, startSession } from "../src/sessions/session-middleware";
import { TestClient } from "./helpers/client";
import { registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";
import { ADD_TO_CART, ADMIN_ENV, CART, createProduct, loginAdmin } from "./helpers/shop";

// A request without the session cookie skips express-session until something starts a session.
let server: TestServer;
before(async () => {
  server = await startTestServer("lazy_session", ADMIN_ENV);
});
after(() => server?.close());

const sessionCookie = (res: { headers: Headers }) => res.headers.getSetCookie().find((c) => c.startsWith("sg.sid="));

describe("a request that comes without the session cookie", () => {
  it("starts a session when it writes a cart, whatever other cookies it carries", async () => {
    const admin = await loginAdmin(server.client());
    const product = await createProduct(admin);
    // The second also carries a cookie whose name ends like the session's: the session is then loaded the
    // usual way (there is none), which must end the same.
    for (const cookie of ["theme=dark", "theme=dark; xsg.sid=not-ours"]) {
      const client = new TestClient(server.url, { cookie });
      const res = await client.gql(ADD_TO_CART, { productId: product.id, quantity: 2 });
      assert.equal(res.errors, undefined, cookie);
      assert.ok(sessionCookie(res), `a session cookie is set (${cookie})`);
      const again = await client.gql(CART);
      assert.equal(again.data.cart.itemCount, 2, cookie);
      assert.equal(sessionCookie(again), undefined, `and kept, not set again (${cookie})`);
    }
  });

  it("starts a session when it logs in or registers", async () => {
    const client = server.client();
    await registerUser(client);
    const me = await client.ok(`{ me { id } }`);
    assert.ok(me.me.id);
  });

  it("reads as anonymous and sets no cookie when nothing starts a session", async () => {
    const res = await server.client().gql(`{ me { id } cart { itemCount } }`);
    assert.deepEqual(res.data, { me: null, cart: { itemCount: 0 } });
    assert.equal(sessionCookie(res), undefined);
  });

  it("with a session cookie that is not valid, is loaded as before: a new anonymous session, no error", async () => {
    const client = new TestClient(server.url, { cookie: "sg.sid=s%3Aforged.signature" });
    const res = await client.gql(`{ me { id } }`);
    assert.deepEqual([res.status, res.data], [200, { me: null }]);
  });
});

describe("startSession", () => {
  it("refuses once the response's headers are sent, since the cookie could no longer be set", async () => {
    const [load] = sessionMiddleware(server.config, server.services.sessions, () => undefined);
    const req = { headers: { cookie: "theme=dark" }, url: "/graphql", method: "POST" } as unknown as Request;
    const res = { headersSent: true } as Response;
    await new Promise<void>((resolve, reject) => load(req, res, (err?: unknown) => (err ? reject(err) : resolve())));
    assert.equal(req.session, undefined, "nothing made before it is needed");
    await assert.rejects(startSession(req, res), /no session can be started/);
  });

  it("refuses for a request that never passed the session middleware", async () => {
    await assert.rejects(startSession({} as Request, { headersSent: false } as Response), /no session can be started/);
  });
});
