import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { spawnServer } from "./helpers/process";
import { PRODUCTION_MAIL_ENV } from "./helpers/production-env";

const PRODUCTION = {
  NODE_ENV: "production",
  DATABASE_URL: "mysql://app:pw@127.0.0.1:3306/shop",
  REDIS_URL: "redis://127.0.0.1:6379/0",
  SESSION_SECRET: "a-session-secret-of-at-least-32-characters",
  TWO_FACTOR_KEY: Buffer.alloc(32, 1).toString("base64"),
  ...PRODUCTION_MAIL_ENV,
};

describe("starting the server with a bad configuration", () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ["no DATABASE_URL in production", { ...PRODUCTION, DATABASE_URL: "" }, /DATABASE_URL/],
    ["no REDIS_URL in production", { ...PRODUCTION, REDIS_URL: "" }, /REDIS_URL/],
    ["no SESSION_SECRET in production", { ...PRODUCTION, SESSION_SECRET: "" }, /SESSION_SECRET/],
    ["no TWO_FACTOR_KEY in production", { ...PRODUCTION, TWO_FACTOR_KEY: "" }, /TWO_FACTOR_KEY/],
    ["a short SESSION_SECRET", { ...PRODUCTION, SESSION_SECRET: "too-short" }, /SESSION_SECRET must be at least 32/],
    ["no SMTP_URL in production", { ...PRODUCTION, SMTP_URL: "" }, /SMTP_URL/],
    ["no MAIL_FROM in production", { ...PRODUCTION, MAIL_FROM: "" }, /MAIL_FROM/],
    ["no PASSWORD_RESET_URL in production", { ...PRODUCTION, PASSWORD_RESET_URL: "" }, /PASSWORD_RESET_URL/],
    ["no EMAIL_VERIFICATION_URL in production", { ...PRODUCTION, EMAIL_VERIFICATION_URL: "" }, /EMAIL_VERIFICATION_URL/],
    ["a link page without {token}", { PASSWORD_RESET_URL: "https://shop.example.test/reset" }, /PASSWORD_RESET_URL: must contain \{token\}/],
    ["an SMTP_URL that is not smtp(s)", { SMTP_URL: "http://mail.example.test" }, /SMTP_URL/],
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
