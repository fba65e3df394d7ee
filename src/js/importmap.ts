import type { CacheBuster, ContentTransformer } from "../core/types.js";
import { findModuleReferences } from "./references.js";

/** An import map's JSON: local module URL -> its busted URL. */
export interface ImportMap {
  imports: Record<string, string>;
}

/** What the import map needs of a buster: busted URLs (a `CacheBuster`, or a plugin's lookup). */
export type UrlBuster = Pick<CacheBuster, "url">;

/** The modules a buster has read, and what each imports; see {@link moduleGraph}. */
export interface ModuleGraph {
  /** Put this in the buster's `transformers`: it records each module's imports and never changes its bytes. */
  transformer: ContentTransformer;
  /** The import map for modules loaded as `entries` (URLs, relative ones against `pageUrl`). */
  importMap(buster: UrlBuster, entries: readonly string[], inline?: readonly string[], pageUrl?: string): ImportMap;
}

const ORIGIN = "http://page.invalid";
const IS_MODULE = /\.m?js$/i;

/** `url` resolved against `base` (a URL path) as a browser would, as path and query; `undefined` if it leaves the site. */
function resolve(url: string, base: string): string | undefined {
  let resolved: URL;
  try {
    resolved = new URL(url, ORIGIN + base);
  } catch {
    return undefined;
  }
  if (resolved.origin !== ORIGIN) return undefined;
  return resolved.pathname + resolved.search;
}

function pathOf(url: string): string {
  const path = url.replace(/[?#].*$/s, "");
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/**
 * The import-map way: modules keep their bytes, and each page maps every local module URL it
 * can reach to its busted URL, so a change renames only the changed file. The graph is
 * recorded by a transformer as the buster reads each module, so it always describes the
 * bytes that were hashed; it is a cache the caller owns, one per buster.
 *
 * @example
 * const graph = moduleGraph();
 * const buster = createCacheBuster({ root: "public", transformers: [graph.transformer] });
 * graph.importMap(buster, ["/js/app.js"]); // { imports: { "/js/util.js": "/js/util.js?v=<hash>" } }
 */
export function moduleGraph(options: { test?: (urlPath: string, file: string) => boolean } = {}): ModuleGraph {
  const test = options.test ?? ((urlPath: string) => IS_MODULE.test(urlPath));
  /** URL path of each module read -> the module URLs (path and query) it imports. */
  const imports = new Map<string, string[]>();
  const record = (urlPath: string, source: string, file?: string): string[] => {
    const urls: string[] = [];
    for (const ref of findModuleReferences(source, file)) {
      // `new URL(…, import.meta.url)` is no import: an import map does not apply to it.
      if (ref.kind === "meta-url") continue;
      const url = resolve(ref.url, urlPath);
      if (url !== undefined) urls.push(url);
    }
    return urls;
  };
  const transformer: ContentTransformer = {
    name: "js-graph",
    test,
    transform(source, ctx) {
      imports.set(ctx.urlPath, record(ctx.urlPath, source, ctx.file));
      return undefined;
    },
  };
  function importMap(
    buster: UrlBuster,
    entries: readonly string[],
    inline: readonly string[] = [],
    pageUrl = "/",
  ): ImportMap {
    const map: Record<string, string> = {};
    const seen = new Set<string>();
    const queue: Array<{ url: string; key: boolean }> = [];
    for (const e of entries) {
      const url = resolve(e, pageUrl);
      if (url !== undefined) queue.push({ url, key: false });
    }
    for (const text of inline) for (const url of record(pageUrl, text)) queue.push({ url, key: true });
    while (queue.length > 0) {
      const { url, key } = queue.shift() as { url: string; key: boolean };
      if (key && map[url] === undefined) {
        const busted = buster.url(url);
        if (busted !== url) map[url] = busted;
      } else if (!key) {
        buster.url(url); // reads the module, so that its imports are recorded
      }
      const path = pathOf(url);
      if (seen.has(path)) continue;
      seen.add(path);
      for (const child of imports.get(path) ?? []) queue.push({ url: child, key: true });
    }
    return { imports: map };
  }
  return { transformer, importMap };
}
