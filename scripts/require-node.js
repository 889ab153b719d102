// Run by `npm start` before anything else loads, so an unsupported Node stops with one line instead of a stack
// trace from inside a dependency. `npm ci` refuses earlier through .npmrc's engine-strict (npm runs a preinstall
// only after fetching every dependency); the preinstall catches `npm install --force`. Plain CommonJS.
"use strict";

// Keep in step with package.json "engines.node" (a test checks it).
const SUPPORTED = [
  { major: 22, minor: 17, label: "22.17+ (LTS)" },
  { major: 24, minor: 0, label: "24 (LTS)" },
];

function supported(version) {
  const [major, minor] = version.split(".").map(Number);
  return SUPPORTED.some((s) => major === s.major && minor >= s.minor);
}

if (require.main === module && !supported(process.versions.node)) {
  const needed = SUPPORTED.map((s) => s.label).reverse().join(" or ");
  process.stderr.write(
    `sessiongraph needs Node ${needed}; this is Node ${process.versions.node} (run \`source .ci/node-env\`)\n`,
  );
  process.exit(1);
}

module.exports = { SUPPORTED, supported };
