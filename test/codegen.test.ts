import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { loadConfig } from "../src/config";
import { loadTrustedDocuments } from "../src/http/trusted-documents";
import { queryLimits } from "../src/limits/query-limits";
import { buildApiSchema } from "../src/schema";

const ROOT = path.resolve(__dirname, "../..");
const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

async function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(bin(command), args, { cwd: ROOT, env: { ...process.env, CI: "true" } });
    return { code: 0, output: stdout + stderr };
  } catch (err: any) {
    return { code: typeof err.code === "number" ? err.code : 1, output: `${err.stdout ?? ""}${err.stderr ?? ""}${err.message}` };
  }
}

describe("generated client types", () => {
  it("are up to date with schema.graphql and the example app's documents (else: npm run codegen)", async () => {
    const { code, output } = await run("graphql-codegen", ["--config", "codegen.ts", "--check"]);
    assert.equal(code, 0, `stale or invalid generated types; run \`npm run codegen\` and commit:\n${output}`);
  });

  it("include the trusted-documents manifest, current (the check above covers it) and valid for the API", async () => {
    const manifest = path.join(ROOT, "examples", "web", "src", "gql", "persisted-documents.json");
    const { code, output } = await run("graphql-codegen", ["--config", "codegen.ts", "--check"]);
    assert.equal(code, 0, output);
    // The default limits, and no introspection, as in production.
    const documents = loadTrustedDocuments(manifest, await buildApiSchema(), { ...queryLimits(loadConfig({ NODE_ENV: "test" })), introspection: false });
    assert.ok(documents.length >= 10, "every document of the example app");
    for (const document of documents) assert.match(document.id, /^sha256:[0-9a-f]{64}$/);
  });

  it("type-check the example app", async () => {
    const { code, output } = await run("tsc", ["-p", "examples/web", "--noEmit"]);
    assert.equal(code, 0, output);
  });

  it("type-check the playground page (vite bundles it without checking types)", async () => {
    const { code, output } = await run("tsc", ["-p", "playground", "--noEmit"]);
    assert.equal(code, 0, output);
  });
});
