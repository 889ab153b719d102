import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, it } from "node:test";

const ROOT = path.resolve(__dirname, "..", "..");
// The machines this project runs on ship Node 20; SG_OLD_NODE points elsewhere when they do not.
const OLD_NODE = process.env.SG_OLD_NODE ?? "/usr/bin/node";
const { SUPPORTED, supported } = require(path.join(ROOT, "scripts", "require-node.js")) as {
  SUPPORTED: { major: number; minor: number }[];
  supported(version: string): boolean;
};

function oldNodeEnv(): NodeJS.ProcessEnv {
  const version = execFileSync(OLD_NODE, ["-p", "process.versions.node"], { encoding: "utf8" }).trim();
  assert.ok(!supported(version), `${OLD_NODE} is Node ${version}; these tests need an unsupported one`);
  return { ...process.env, PATH: `${path.dirname(OLD_NODE)}:${process.env.PATH}`, npm_config_nodedir: "" };
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
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"));
    const ranges = SUPPORTED.map((s) => `>=${s.minor ? `${s.major}.${s.minor}` : s.major} <${s.major + 1}`);
    assert.equal(pkg.engines.node, ranges.join(" || "));
  });

  it("npm start on an older Node stops at once with one line naming the Node needed", () => {
    const run = spawnSync("npm", ["start", "--silent"], { cwd: ROOT, env: oldNodeEnv(), encoding: "utf8" });
    assert.notEqual(run.status, 0);
    // Nothing was built or loaded: the only output is the refusal.
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^sessiongraph needs Node 24 \(LTS\) or 22\.17\+ \(LTS\); this is Node 20\.\d+\.\d+ .*\n$/);
  });

  it("npm ci on an older Node refuses before fetching anything, naming the Node needed", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sg-old-node-"));
    try {
      for (const file of ["package.json", "package-lock.json", ".npmrc", "scripts"]) {
        cpSync(path.join(ROOT, file), path.join(dir, file), { recursive: true });
      }
      const run = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: dir, env: oldNodeEnv(), encoding: "utf8" });
      assert.notEqual(run.status, 0);
      assert.match(run.stderr, /EBADENGINE/);
      assert.match(run.stderr, /Required: \{"node":">=22\.17 <23 \|\| >=24 <25"\}/);
      assert.equal(existsSync(path.join(dir, "node_modules")), false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
