import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeCursor, encodeCursor, likePattern, MAX_PAGE_SIZE, validatePageArgs } from "../../src/db/pagination";
import { BadUserInputError } from "../../src/errors";

describe("page cursors", () => {
  it("decode to the id they were made from", () => {
    for (const id of [0, 1, 42, 4_294_967_295]) assert.equal(decodeCursor(encodeCursor(id)), id);
  });

  it("refuse anything they did not make (BAD_USER_INPUT on after)", () => {
    const forged = [Buffer.from("c1:12abc").toString("base64url"), Buffer.from("12").toString("base64url"), "not a cursor", ""];
    for (const cursor of forged) {
      assert.throws(() => decodeCursor(cursor), (err) => err instanceof BadUserInputError && /cursor/.test(JSON.stringify(err.extensions)), cursor);
    }
  });

  it("limit a page to between 0 and the maximum rows", () => {
    validatePageArgs({ first: 0 });
    validatePageArgs({ first: MAX_PAGE_SIZE });
    for (const first of [-1, MAX_PAGE_SIZE + 1, 1.5]) assert.throws(() => validatePageArgs({ first }), BadUserInputError);
  });

  it("take a search's LIKE wildcards literally", () => {
    assert.equal(likePattern("50%_off\\"), "%50\\%\\_off\\\\%");
  });
});
