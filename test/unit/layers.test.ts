import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

// The layout's rule (README, "Layout"): no two folders of src/ import each other, directly or round a loop.
// A loop means some folder imports from a layer above it.
const SRC = path.resolve(__dirname, "../../../src");

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return sources(file);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [file] : [];
  });
}

/** The unit a file belongs to: its top folder under src/, or the file itself (context.ts, services.ts...). */
const unitOf = (file: string) => path.relative(SRC, file).split(path.sep)[0].replace(/\.ts$/, "");

function importsBetweenUnits(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of sources(SRC)) {
    for (const [, spec] of readFileSync(file, "utf8").matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+)"/g)) {
      const target = path.resolve(path.dirname(file), spec);
      const [from, to] = [unitOf(file), unitOf(target)];
      if (from === to) continue;
      const targets = edges.get(from) ?? new Map<string, string[]>();
      targets.set(to, [...(targets.get(to) ?? []), `${path.relative(SRC, file)} -> ${spec}`]);
      edges.set(from, targets);
    }
  }
  return edges;
}

/** A loop of units, each importing the next, or null. */
function findLoop(edges: Map<string, Map<string, string[]>>): string[] | null {
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (unit: string): string[] | null => {
    if (state.get(unit) === "done") return null;
    if (state.get(unit) === "open") return [...stack.slice(stack.indexOf(unit)), unit];
    state.set(unit, "open");
    stack.push(unit);
    for (const next of edges.get(unit)?.keys() ?? []) {
      const loop = visit(next);
      if (loop) return loop;
    }
    stack.pop();
    state.set(unit, "done");
    return null;
  };
  for (const unit of edges.keys()) {
    const loop = visit(unit);
    if (loop) return loop;
  }
  return null;
}

describe("the layout", () => {
  it("has no loop of imports between the folders of src/", () => {
    const edges = importsBetweenUnits();
    assert.ok(edges.size > 10, "the imports were read");
    const loop = findLoop(edges);
    const why = loop?.slice(1).map((to, i) => `${loop[i]} -> ${to}: ${edges.get(loop[i])!.get(to)!.join(", ")}`);
    assert.equal(loop, null, why?.join("\n"));
  });

  it("finds a loop when there is one", () => {
    const edges = new Map([
      ["cart", new Map([["catalog", ["cart.ts -> ../catalog/x"]]])],
      ["catalog", new Map([["users", ["catalog.ts -> ../users/y"]]])],
      ["users", new Map([["cart", ["users.ts -> ../cart/z"]]])],
    ]);
    assert.deepEqual(findLoop(edges), ["cart", "catalog", "users", "cart"]);
  });
});
