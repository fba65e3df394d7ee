import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";

/** One `addPassthroughCopy` entry as Eleventy stores it: `true` keeps the path (less the input dir). */
export interface PassthroughEntry {
  outputPath: true | string;
}

/** What is known about the project when the roots are worked out. */
export interface ProjectLayout {
  /** Absolute input directory. */
  input: string;
  /** Absolute project directory that passthrough paths are relative to (the working directory). */
  cwd: string;
  /** `eleventyConfig.passthroughCopies`, in the order they were added. */
  passthroughCopies: Record<string, PassthroughEntry | undefined>;
  /** Whether a path is an existing directory (injected so that this module does no I/O). */
  isDirectory(path: string): boolean;
}

/** A URL-path prefix and the directory it maps to. */
export interface RootMapping {
  prefix: string;
  dir: string;
}

const GLOB = /[*?[\]{}]|!\(|@\(|\+\(/;

/** The directory part of a glob that holds no wildcard, and whether the wildcard part recurses. */
function globBase(pattern: string): { base: string; recursive: boolean; lastOnly: boolean } {
  const segments = pattern.split(/[\\/]/);
  const first = segments.findIndex((s) => GLOB.test(s));
  return {
    base: segments.slice(0, first).join("/") || ".",
    recursive: segments.slice(first).some((s) => s.includes("**")),
    lastOnly: first === segments.length - 1,
  };
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** `"css/vendor/"` -> `"/css/vendor/"`, `""`/`"/"`/`"."` -> `"/"`. */
function urlPrefix(target: string): string {
  const parts = target.split(/[\\/]/).filter((s) => s !== "" && s !== ".");
  return parts.length === 0 ? "/" : `/${parts.join("/")}/`;
}

/** URL prefix of a directory that Eleventy copies keeping its path relative to the project. */
function keptPrefix(cwd: string, dir: string): string | undefined {
  if (!inside(cwd, dir)) return undefined;
  return urlPrefix(relative(cwd, dir).split(sep).join("/"));
}

/**
 * The URL prefix and source directory of one passthrough entry, or `undefined` when the input
 * directory already covers it or no directory maps to it (a renamed file, a recursive glob
 * flattened into one folder): those URLs fall back to the output directory.
 */
function mappingFor(key: string, entry: PassthroughEntry, layout: ProjectLayout): RootMapping | undefined {
  const { cwd, input } = layout;
  const glob = GLOB.test(key);
  const { base, recursive, lastOnly } = glob ? globBase(key) : { base: key, recursive: false, lastOnly: false };
  const source = resolve(cwd, base);
  const isDir = glob || layout.isDirectory(source);
  if (entry.outputPath === true) {
    // Copied to the same path relative to the input directory (or to the project, from outside it).
    if (inside(input, source)) return undefined;
    const dir = isDir ? source : dirname(source);
    const prefix = keptPrefix(cwd, dir);
    return prefix === undefined ? undefined : { prefix, dir };
  }
  const target = String(entry.outputPath);
  if (glob) {
    // Matches are flattened into the target folder: only a wildcard in the last segment maps to one folder.
    return lastOnly && !recursive ? { prefix: urlPrefix(target), dir: source } : undefined;
  }
  if (isDir) return { prefix: urlPrefix(target), dir: source };
  const targetName = basename(target.replace(/[\\/]+$/, ""));
  if (targetName === basename(source)) return { prefix: urlPrefix(dirname(target.replace(/[\\/]+$/, ""))), dir: dirname(source) };
  // A file copied into a target folder keeps its name.
  if (target.endsWith("/") || !targetName.includes(".")) return { prefix: urlPrefix(target), dir: dirname(source) };
  return undefined;
}

/**
 * The source directories a URL may name, as layers of `roots` for the core, searched in order:
 * passthrough mappings first (in the order they were added), then the input directory. A layer
 * holds each URL prefix once, because the core searches only the longest matching prefix; a
 * layer that maps no `/` gets the input directory there, so no URL ever falls through to the
 * working directory.
 *
 * @example
 * sourceLayers({ input: "/p/src", cwd: "/p", passthroughCopies: { "assets": { outputPath: "static" } }, isDirectory: () => true })
 * // [{ "/static/": "/p/assets", "/": "/p/src" }]
 */
export function sourceLayers(layout: ProjectLayout): Array<Record<string, string>> {
  const mappings: RootMapping[] = [];
  for (const [key, entry] of Object.entries(layout.passthroughCopies)) {
    if (!entry) continue;
    const mapping = mappingFor(key, entry, layout);
    if (mapping) mappings.push(mapping);
  }
  mappings.push({ prefix: "/", dir: layout.input });
  const layers: Array<Record<string, string>> = [];
  for (const { prefix, dir } of mappings) {
    if (layers.some((l) => l[prefix] === dir)) continue;
    let layer = layers.find((l) => !(prefix in l));
    if (!layer) layers.push((layer = {}));
    layer[prefix] = dir;
  }
  for (const layer of layers) layer["/"] ??= layout.input;
  return layers;
}
