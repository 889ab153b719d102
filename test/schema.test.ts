import "reflect-metadata";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { it } from "node:test";
import { buildApiSchema, printApiSchema } from "../src/schema";

it("schema.graphql is the schema the code builds (run `npm run schema` after changing the API)", async () => {
  const committed = readFileSync(path.resolve(__dirname, "..", "..", "schema.graphql"), "utf8");
  assert.equal(printApiSchema(await buildApiSchema()), committed);
});
