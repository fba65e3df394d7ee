import { basename, dirname, isAbsolute, relative, resolve, sep } from "node:path";
import picomatch from "picomatch";

/** One `addPassthroughCopy` entry as Eleventy stores it: `true` keeps the path (less the input dir). */
export interface PassthroughEntry {
  outputPath: true | string;
}

/** What is known about the project when the roots are worked out. */
export interface ProjectLayout {
  /** Absolute input directory. */
  input: string;
  /** Absolute output directory. */
  output: string;
  /** Absolute project directory that passthrough paths are relative to (the working directory). */
  cwd: string;
  /** `eleventyConfig.passthroughCopies`, in the order they were added. */
  passthroughCopies: Record<string, PassthroughEntry | undefined>;
  /** Whether a path is an existing directory (injected so that this module does no I/O). */
  isDirectory(path: string): boolean;
}

/** A URL-path prefix, the directory it maps to, and which files below it a passthrough copy publishes. */
export interface RootMapping {
  prefix: string;
  dir: string;
  /** Whether the file at `rest` (the decoded URL path below `prefix`, e.g. `vendor/lib.css`) is published. */
  publishes(rest: string): boolean;
}

/** One set of `roots` for the core, with the mappings it was made of. */
export interface SourceLayer {
  roots: Record<string, string>;
  mappings: RootMapping[];
}

const GLOB = /[*?[\]{}]|!\(|@\(|\+\(/;

/** Whether a URL path has a segment starting with a dot (`/.env`, `/.git/config`). */
export function hasDotSegment(path: string): boolean {
  return path.startsWith(".") || path.includes("/.");
}

/** The directory part of a glob that holds no wildcard, and the wildcard part. */
function globParts(pattern: string): { base: string; rest: string; recursive: boolean; lastOnly: boolean } {
  const segments = pattern.split(/[\\/]/).filter((s) => s !== "" && s !== ".");
  const first = segments.findIndex((s) => GLOB.test(s));
  const rest = segments.slice(first);
  return {
    base: segments.slice(0, first).join("/") || ".",
    rest: rest.join("/"),
    recursive: rest.some((s) => s.includes("**")),
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

/** Where Eleventy puts a path copied with `outputPath: true`: relative to the input directory, else to the project. */
function keptPath(layout: ProjectLayout, source: string): string | undefined {
  const from = inside(layout.input, source) ? layout.input : inside(layout.cwd, source) ? layout.cwd : undefined;
  return from === undefined ? undefined : relative(from, source).split(sep).join("/");
}

// Eleventy copies dotfiles inside a passthrough directory, but this package never busts them.
const everything = (rest: string) => !hasDotSegment(rest);
const only = (name: string) => (rest: string) => rest === name;
const matching = (pattern: string) => picomatch(pattern, { dot: false });

/** The mapping of a passthrough entry with `outputPath: true`. */
function keptMapping(key: string, layout: ProjectLayout): RootMapping | undefined {
  if (GLOB.test(key)) {
    const { base, rest } = globParts(key);
    const dir = resolve(layout.cwd, base);
    const kept = keptPath(layout, dir);
    return kept === undefined ? undefined : { prefix: urlPrefix(kept), dir, publishes: matching(rest) };
  }
  const source = resolve(layout.cwd, key);
  const kept = keptPath(layout, source);
  if (kept === undefined) return undefined;
  if (layout.isDirectory(source)) return { prefix: urlPrefix(kept), dir: source, publishes: everything };
  return { prefix: urlPrefix(dirname(kept)), dir: dirname(source), publishes: only(basename(source)) };
}

/** The mapping of a passthrough entry copied to a named target. */
function targetMapping(key: string, target: string, layout: ProjectLayout): RootMapping | undefined {
  if (GLOB.test(key)) {
    // Matches are flattened into the target folder: only a wildcard in the last segment maps to one folder.
    const { base, rest, recursive, lastOnly } = globParts(key);
    if (!lastOnly || recursive) return undefined;
    const match = matching(rest);
    return {
      prefix: urlPrefix(target),
      dir: resolve(layout.cwd, base),
      publishes: (r) => !r.includes("/") && match(r),
    };
  }
  const source = resolve(layout.cwd, key);
  if (layout.isDirectory(source)) return { prefix: urlPrefix(target), dir: source, publishes: everything };
  const name = basename(source);
  const trimmed = target.replace(/[\\/]+$/, "");
  const targetName = basename(trimmed);
  if (targetName === name) return { prefix: urlPrefix(dirname(trimmed)), dir: dirname(source), publishes: only(name) };
  // A file copied into a target folder keeps its name; a renamed file is found in the output directory.
  if (target.endsWith("/") || !targetName.includes("."))
    return { prefix: urlPrefix(target), dir: dirname(source), publishes: only(name) };
  return undefined;
}

/**
 * What each passthrough copy publishes, in the order they were added. An entry no directory
 * maps to (a renamed file, a recursive glob flattened into one folder) is left out: its URLs
 * are found in the output directory.
 */
export function publishedMappings(layout: ProjectLayout): RootMapping[] {
  const out: RootMapping[] = [];
  for (const [key, entry] of Object.entries(layout.passthroughCopies)) {
    if (!entry) continue;
    const mapping =
      entry.outputPath === true ? keptMapping(key, layout) : targetMapping(key, String(entry.outputPath), layout);
    if (mapping) out.push(mapping);
  }
  return out;
}

/**
 * The published source directories as layers of `roots` for the core, searched in order. A
 * layer holds each URL prefix once, because the core searches only the longest matching
 * prefix; a layer that maps no `/` gets the output directory there, so that a URL no
 * passthrough copy publishes is looked up where the built site has it, never in the input
 * directory or the working directory.
 *
 * @example
 * sourceLayers({ input: "/p/src", output: "/p/_site", cwd: "/p", passthroughCopies: { assets: { outputPath: "static" } }, isDirectory: () => true })
 * // [{ roots: { "/static/": "/p/assets", "/": "/p/_site" }, mappings: [...] }]
 */
export function sourceLayers(layout: ProjectLayout): SourceLayer[] {
  const layers: SourceLayer[] = [];
  for (const mapping of publishedMappings(layout)) {
    const same = layers.find((l) => l.roots[mapping.prefix] === mapping.dir);
    if (same) {
      // One directory published twice (say, two globs): either entry publishes.
      const index = same.mappings.findIndex((m) => m.prefix === mapping.prefix);
      const earlier = same.mappings[index] as RootMapping;
      same.mappings[index] = { ...earlier, publishes: (rest) => earlier.publishes(rest) || mapping.publishes(rest) };
      continue;
    }
    let layer = layers.find((l) => !(mapping.prefix in l.roots));
    if (!layer) layers.push((layer = { roots: {}, mappings: [] }));
    layer.roots[mapping.prefix] = mapping.dir;
    layer.mappings.push(mapping);
  }
  for (const layer of layers) layer.roots["/"] ??= layout.output;
  return layers;
}

/**
 * Whether a layer serves a URL path from a published source: the mapping the core would
 * search (the longest matching prefix) publishes it. A path that falls to the layer's
 * output-directory `/` does not count: the output layer answers for it.
 */
export function layerPublishes(layer: SourceLayer, urlPath: string): boolean {
  let best: RootMapping | undefined;
  for (const m of layer.mappings) {
    if (urlPath.startsWith(m.prefix) && (best === undefined || m.prefix.length > best.prefix.length)) best = m;
  }
  return best !== undefined && best.publishes(urlPath.slice(best.prefix.length));
}
