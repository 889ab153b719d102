import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SessionData } from "express-session";
import { LOADED_FROM_STORE } from "../src/sessions/session-data";
import { MemorySessionStore } from "../src/sessions/memory-session-store";
import { startTestServer, type TestServer } from "./helpers/server";

const promised = <T>(fn: (cb: (err?: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

const loaded = (data: Partial<SessionData>): SessionData => {
  const sess = { cookie: { originalMaxAge: null }, publicId: "p", createdAt: Date.now(), lastSeenAt: Date.now(), ...data } as SessionData;
  Object.defineProperty(sess, LOADED_FROM_STORE, { value: true, enumerable: false });
  return sess;
};

// A request that loaded a session before a logout finished must not write it back when it ends.
describe("an ended session is never written back by a late request", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("session_store");
  });
  after(() => server?.close());

  it("on Redis", async () => {
    const store = server.services.sessions.store;
    await promised((cb) => store.set("late-sid", { ...loaded({ userId: 1 }) }, cb));
    const fresh = { cookie: { originalMaxAge: null }, publicId: "p", createdAt: Date.now(), lastSeenAt: Date.now(), userId: 1 } as SessionData;
    await promised((cb) => store.set("late-sid", fresh, cb)); // a new session is written
    await promised((cb) => store.destroy("late-sid", cb)); // logout
    await promised((cb) => store.set("late-sid", loaded({ userId: 1 }), cb)); // the late request's save
    assert.equal(await promised((cb) => store.get("late-sid", cb)), null);
  });

  it("in memory", async () => {
    const store = new MemorySessionStore({ idleTimeoutS: 60, absoluteTimeoutS: 600 });
    const fresh = { cookie: { originalMaxAge: null }, publicId: "p", createdAt: Date.now(), lastSeenAt: Date.now() } as SessionData;
    await promised((cb) => store.set("sid", fresh, cb));
    assert.ok(await promised((cb) => store.get("sid", cb)));
    await promised((cb) => store.destroy("sid", cb));
    await promised((cb) => store.set("sid", loaded({}), cb));
    assert.equal(await promised((cb) => store.get("sid", cb)), null);
    store.close();
  });
});
