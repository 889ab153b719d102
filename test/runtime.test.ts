import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..");
const { SUPPORTED, supported } = require(path.join(ROOT, "scripts", "require-node.js")) as {
  SUPPORTED: { major: number; minor: number }[];
  supported(version: string): boolean;
};
const ENGINES: string = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node;
const REFUSAL = /^sessiongraph needs Node 24 \(LTS\) or 22\.17\+ \(LTS\); this is Node (\d+\.\d+\.\d+) \(run `source \.ci\/node-env`\)$/;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function nodeVersion(node: string): string {
  return execFileSync(node, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
}

// The machine's own Node (20 on these machines): the first `node` on PATH that is not a supported one, which skips
// the Node 24 that `.ci/node-env` put first. SG_OLD_NODE names another. Nothing is downloaded for this test.
function findOldNode(): { node: string; npm: string; version: string } {
  const candidates = process.env.SG_OLD_NODE
    ? [process.env.SG_OLD_NODE]
    : [...(process.env.PATH ?? "").split(path.delimiter).filter(Boolean), "/usr/bin", "/usr/local/bin"].map((dir) =>
        path.join(dir, "node"),
      );
  for (const node of candidates) {
    if (!executable(node)) continue;
    const version = nodeVersion(node);
    if (supported(version)) continue;
    const npm = path.join(path.dirname(node), "npm");
    assert.ok(executable(npm), `${node} is Node ${version} but has no npm beside it`);
    return { node, npm, version };
  }
  assert.fail("no unsupported Node found on PATH or in /usr/bin: set SG_OLD_NODE to one (e.g. a Node 20)");
}

const OLD = findOldNode();

// The old Node first on PATH (npm's `#!/usr/bin/env node` and the scripts' `node` find it), and none of the
// npm_* settings the npm that runs this suite exports: the child npm must behave as if typed in a shell.
function oldNodeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
  env.PATH = [path.dirname(OLD.node), ...(process.env.PATH ?? "").split(path.delimiter)].join(path.delimiter);
  return env;
}

describe("runtime", () => {
  it("runs on a supported Node: 24 LTS, or 22 LTS from 22.17", () => {
    assert.ok(supported(process.versions.node), process.versions.node);
    assert.deepEqual(
      ["20.19.0", "22.16.0", "22.17.0", "23.1.0", "24.0.0", "24.22.3", "25.0.0"].map(supported),
      [false, false, true, false, true, true, false],
    );
  });

  it("engines.node in package.json names the same versions as the start check", () => {
    const ranges = SUPPORTED.map((s) => `>=${s.minor ? `${s.major}.${s.minor}` : s.major} <${s.major + 1}`);
    assert.equal(ENGINES, ranges.join(" || "));
  });

  it("the machine's own Node is an unsupported one, found without node-env's", () => {
    assert.ok(!supported(OLD.version), `${OLD.node} is Node ${OLD.version}`);
    assert.notEqual(path.dirname(OLD.node), path.dirname(process.execPath));
  });

  it("npm start on an older Node stops at once: npm's banner, then one line naming the Node needed", () => {
    const run = spawnSync(OLD.npm, ["start"], { cwd: ROOT, env: oldNodeEnv(), encoding: "utf8" });
    assert.equal(run.status, 1, run.stderr);
    // npm echoes the script it runs (stdout); the refusal is the only line on stderr, and nothing was built.
    assert.equal(
      run.stdout,
      "\n> sessiongraph@0.1.0 start\n> node scripts/require-node.js && npm run build --silent && npm run start:built --silent\n\n",
    );
    const lines = run.stderr.split("\n");
    assert.equal(lines.length, 2, run.stderr);
    assert.equal(lines[1], "");
    assert.equal(REFUSAL.exec(lines[0])?.[1], OLD.version, run.stderr);

    const silent = spawnSync(OLD.npm, ["start", "--silent"], { cwd: ROOT, env: oldNodeEnv(), encoding: "utf8" });
    assert.equal(silent.status, 1);
    assert.equal(silent.stdout, "");
    assert.match(silent.stderr.trimEnd(), REFUSAL);
    assert.equal(silent.stderr.split("\n").length, 2);
  });

  it("npm ci on an older Node refuses before fetching anything: npm's engine error, no stack, no dependency warnings", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sg-old-node-"));
    try {
      const project = path.join(dir, "project");
      mkdirSync(project);
      for (const file of ["package.json", "package-lock.json", ".npmrc", "scripts", "examples/web/package.json"]) {
        cpSync(path.join(ROOT, file), path.join(project, file), { recursive: true });
      }
      // An empty cache and --offline: had npm tried to fetch one package, it would fail with ENOTCACHED instead.
      const run = spawnSync(
        OLD.npm,
        ["ci", "--ignore-scripts=false", "--offline", "--cache", path.join(dir, "cache"), "--no-audit", "--no-fund"],
        { cwd: project, env: oldNodeEnv(), encoding: "utf8" },
      );
      assert.equal(run.status, 1, run.stderr);
      assert.equal(run.stdout, "");
      const lines = run.stderr.trimEnd().split("\n");
      // The preinstall's one line cannot come first: npm runs the root's preinstall only after it has fetched
      // and unpacked every dependency, so the refusal before fetching is npm's own engine-strict error.
      assert.deepEqual(lines.slice(0, 5), [
        "npm error code EBADENGINE",
        "npm error engine Unsupported engine",
        "npm error engine Not compatible with your version of node/npm: sessiongraph@0.1.0",
        "npm error notsup Not compatible with your version of node/npm: sessiongraph@0.1.0",
        `npm error notsup Required: ${JSON.stringify({ node: ENGINES })}`,
      ]);
      assert.match(lines[5], new RegExp(`^npm error notsup Actual: +\\{.*"node":"v${OLD.version.replace(/\./g, "\\.")}"`));
      assert.match(lines[6], /^npm error A complete log of this run can be found in: /);
      assert.equal(lines.length, 7, run.stderr);
      assert.equal(existsSync(path.join(project, "node_modules")), false);
      assert.equal(existsSync(path.join(project, "examples", "web", "node_modules")), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
