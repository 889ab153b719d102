import "reflect-metadata";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { buildApiSchema, printApiSchema } from "../schema";

// Writes schema.graphql from the code; a test fails when the committed file differs.
buildApiSchema().then((schema) => {
  const file = path.resolve(__dirname, "..", "..", "..", "schema.graphql");
  writeFileSync(file, printApiSchema(schema));
  console.log(`wrote ${file}`);
});
