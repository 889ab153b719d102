import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PASSWORD_MAX, PASSWORD_MIN, passwordProblem } from "../../src/secrets/password-policy";

describe("passwordProblem", () => {
  const alice = { email: "alice.smith@example.com", name: "Alice Smith" };

  it("accepts a long, uncommon password unrelated to the account", () => {
    assert.equal(passwordProblem("violet-harbour-lantern", alice), null);
  });

  it("refuses passwords shorter than the minimum or longer than the maximum", () => {
    assert.match(passwordProblem("a".repeat(PASSWORD_MIN - 1), alice)!, /at least 8/);
    assert.match(passwordProblem("x7".repeat(PASSWORD_MAX), alice)!, /at most 256/);
  });

  it("refuses an all-digit or a common password, whatever its case", () => {
    assert.equal(passwordProblem("1234567890", alice), "must not be all digits");
    assert.equal(passwordProblem("PASSWORD123", alice), "is too common");
  });

  it("refuses a password built around the email's local part or the name", () => {
    assert.equal(passwordProblem("alice.smith2024", alice), "is too similar to your email or name");
    assert.equal(passwordProblem("SmithSmith!!", alice), "is too similar to your email or name");
  });
});
