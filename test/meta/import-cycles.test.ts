// The import graph of src/ and adapters/ has no cycle: type-only imports count too, since a
// circle of types is still two modules that cannot be read alone.
import { describe, expect, it } from "vitest";
import { importGraph, sourceFiles } from "./sources.js";

/**
 * Today's cycles, allowed until the work that removes them lands (the coordinator deletes an
 * entry once it is gone). A cycle is allowed only if all its files are in one entry.
 */
const KNOWN_CYCLES: string[][] = [];

/** The strongly connected components of a graph that are cycles (Tarjan's algorithm). */
function cyclesOf(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) connect(node);
  return cycles;
}

const allowed = (cycle: string[]): boolean => KNOWN_CYCLES.some((known) => cycle.every((f) => known.includes(f)));

describe("the import graph", () => {
  it("of src/ and adapters/ has no cycle beyond the known ones", () => {
    const cycles = cyclesOf(importGraph(sourceFiles("src", "adapters")));
    expect(cycles.filter((cycle) => !allowed(cycle))).toEqual([]);
  });

  it("cycle finder finds a cycle through three files and a file importing itself", () => {
    const graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", []],
      ["e", ["e"]],
    ]);
    expect(cyclesOf(graph)).toEqual([["a", "b", "c"], ["e"]]);
  });
});
