import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GraphQLError } from "graphql";
import { ERROR_CODES, NotFoundError } from "../../src/errors";
import { classifyError, makeFormatError } from "../../src/http/format-error";

describe("error formatting", () => {
  const format = makeFormatError({ exposeInternals: false, hideSuggestions: true });

  it("passes every contract code through as sent, except INTERNAL_SERVER_ERROR", () => {
    for (const code of ERROR_CODES) {
      const kind = classifyError({ extensions: { code } }, new GraphQLError("x", { extensions: { code } }));
      assert.equal(kind, code === "INTERNAL_SERVER_ERROR" ? "unknown" : "expected", code);
    }
    const error = new NotFoundError("User");
    assert.deepEqual(format({ message: error.message, extensions: error.extensions }, error).extensions?.code, "NOT_FOUND");
  });

  it("masks an unknown error with no detail outside development", () => {
    const formatted = format({ message: "secret table users_x is missing", extensions: { code: "INTERNAL_SERVER_ERROR" } }, new Error("boom"));
    assert.deepEqual(formatted, { message: "Internal server error", path: undefined, extensions: { code: "INTERNAL_SERVER_ERROR" } });
  });
});
