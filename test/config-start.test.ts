import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { spawnServer } from "./helpers/process";

const PRODUCTION = {
  NODE_ENV: "production",
  DATABASE_URL: "mysql://app:pw@127.0.0.1:3306/shop",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  SESSION_SECRET: "a-session-secret-of-at-least-32-characters",
};

describe("starting the server with a bad configuration", () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ["no DATABASE_URL in production", { ...PRODUCTION, DATABASE_URL: "" }, /DATABASE_URL/],
    ["no REDIS_URL in production", { ...PRODUCTION, REDIS_URL: "" }, /REDIS_URL/],
    ["no SESSION_SECRET in production", { ...PRODUCTION, SESSION_SECRET: "" }, /SESSION_SECRET/],
    ["a short SESSION_SECRET", { ...PRODUCTION, SESSION_SECRET: "too-short" }, /SESSION_SECRET must be at least 32/],
    ["a limit that is not a number", { LOGIN_MAX_ATTEMPTS_PER_IP: "lots" }, /LOGIN_MAX_ATTEMPTS_PER_IP/],
  ];
  for (const [what, env, message] of cases) {
    it(`exits 1 on ${what}, saying which variable`, async () => {
      const server = spawnServer(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
      assert.deepEqual(await server.exited, { code: 1, signal: null });
      assert.match(server.output(), message);
      assert.doesNotMatch(server.output(), /at .+\.js:\d+/); // a message, not a stack trace
    });
  }
});
