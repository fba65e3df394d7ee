// The core imports no package: every file reachable from the `cache-id` entry (src/index.ts),
// and every file of src/core/ once the core lives there, imports only `node:` modules and
// relative files, statically, dynamically or through require().
import { describe, expect, it } from "vitest";
import { importGraph, importsOf, resolveRelative, sourceFiles } from "./sources.js";

/** The files reachable from `entry` through relative imports, `entry` included. */
function reachable(entry: string, graph: Map<string, string[]>): string[] {
  const seen = new Set<string>([entry]);
  for (const file of seen) for (const next of graph.get(file) ?? []) seen.add(next);
  return [...seen].sort();
}

/** The core's files: those reachable from src/index.ts, and all of src/core/. */
function coreFiles(): string[] {
  const graph = importGraph(sourceFiles("src", "adapters"));
  return [...new Set([...reachable("src/index.ts", graph), ...sourceFiles("src/core")])].sort();
}

/** Imports of `files` that are neither `node:` modules nor relative paths, as `file:line specifier`. */
function packageImports(files: string[]): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter(({ specifier }) => !specifier.startsWith("node:") && !specifier.startsWith("."))
      .map(({ specifier, line }) => `${file}:${line} ${specifier}`),
  );
}

describe("the core", () => {
  it("is found: src/index.ts and the files it reaches", () => {
    expect(coreFiles()).toContain("src/index.ts");
    expect(coreFiles().length).toBeGreaterThan(3);
  });

  it("imports only node: modules and its own files", () => {
    expect(packageImports(coreFiles())).toEqual([]);
  });
});

describe("the adapters", () => {
  it("reach the core only through its public entry, src/index.ts", () => {
    const inner = sourceFiles("adapters").flatMap((file) =>
      importsOf(file)
        .map(({ specifier, line }) => ({ target: resolveRelative(file, specifier), line }))
        .filter(({ target }) => target?.startsWith("src/core/"))
        .map(({ target, line }) => `${file}:${line} ${target}`),
    );
    expect(inner).toEqual([]);
  });
});
