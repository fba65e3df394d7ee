import { isRootRelative, type BustedFile, type CacheBuster, type CallOptions, type MissingPolicy } from "../../src/index.js";

/** Busts URLs through several busters searched in order (source layers, then the output directory). */
export interface LayeredLookup {
  /** The busted URL; a URL found in no layer is handled by the first layer's `missing` policy. */
  url(url: unknown, from: string | undefined, missing: MissingPolicy | undefined): string;
  /** The SRI value of the file the URL names, searched the same way. */
  integrity(url: unknown, algorithm: string | undefined, from: string | undefined, missing: MissingPolicy | undefined): string | undefined;
  /**
   * The busted URL of a root-relative URL already busted in this build, if the busters check
   * files once per build (`validate: "once"`): the common filter call, answered from a map.
   */
  known(url: string): string | undefined;
  /** Starts a new build: every buster checks its files again, and `known` forgets. */
  refresh(): void;
  /** Every file hashed so far; a URL path hashed in several layers is listed once, from the first. */
  entries(): BustedFile[];
  /** The busters, first searched first. */
  readonly busters: readonly CacheBuster[];
}

/** One way to look a URL up: as written, or with Eleventy's `pathPrefix` taken off (and put back). */
interface Spelling {
  lookup: string;
  prefix: string;
}

/**
 * The spellings of a URL to try: one that carries the `pathPrefix` (from Eleventy's `url`
 * filter) is looked up without it first.
 */
function spellings(url: string, pathPrefix: string): Spelling[] {
  const plain = { lookup: url, prefix: "" };
  if (pathPrefix === "/" || !url.startsWith(pathPrefix)) return [plain];
  return [{ lookup: `/${url.slice(pathPrefix.length)}`, prefix: pathPrefix }, plain];
}

/** Puts the `pathPrefix` back on a URL that was looked up without it. */
function restore(busted: string, spelling: Spelling): string {
  return spelling.prefix === "" ? busted : spelling.prefix + busted.slice(1);
}

/**
 * Searches `busters` in order for the file a URL names. `pathPrefix` is Eleventy's (always
 * beginning and ending with `/`).
 *
 * @example
 * const lookup = layeredLookup([sources, output], "/docs/");
 * lookup.url("/docs/css/site.css", "/blog/", "error"); // "/docs/css/site.css?v=3f2a9c1b0d"
 */
export function layeredLookup(busters: readonly CacheBuster[], pathPrefix: string): LayeredLookup {
  const first = busters[0] as CacheBuster;
  // Root-relative URLs name the same file from every page: within one build (while no buster
  // re-checks files) the answer found for one page holds for all.
  const memo = busters.every((b) => b.options.validate === "once") ? new Map<string, string>() : undefined;

  /** The buster and spelling under which the URL names an existing file, if any. */
  function find(url: string, from: string | undefined): { buster: CacheBuster; spelling: Spelling; busted: string } | undefined {
    const quiet: CallOptions = { from, missing: "ignore" };
    const ways = spellings(url, pathPrefix);
    for (const buster of busters) {
      for (const spelling of ways) {
        const busted = buster.url(spelling.lookup, quiet);
        // An unchanged answer is either a miss or a URL that already carries its current hash.
        if (busted !== spelling.lookup || buster.hash(spelling.lookup, quiet) !== undefined) {
          return { buster, spelling, busted: restore(busted, spelling) };
        }
      }
    }
    return undefined;
  }

  return {
    busters,
    url(url, from, missing) {
      if (typeof url === "string") {
        const found = find(url, from);
        if (found) {
          if (memo && isRootRelative(url)) memo.set(url, found.busted);
          return found.busted;
        }
      }
      return first.url(url as string, { from, missing });
    },
    known: (url) => memo?.get(url),
    refresh() {
      memo?.clear();
      for (const buster of busters) buster.refresh();
    },
    integrity(url, algorithm, from, missing) {
      if (typeof url === "string") {
        const found = find(url, from);
        if (found) return found.buster.integrity(found.spelling.lookup, algorithm, { from, missing: "ignore" });
      }
      return first.integrity(url as string, algorithm, { from, missing });
    },
    entries() {
      const seen = new Set<string>();
      const out: BustedFile[] = [];
      for (const buster of busters) {
        for (const entry of buster.entries()) {
          if (seen.has(entry.urlPath)) continue;
          seen.add(entry.urlPath);
          out.push(entry);
        }
      }
      return out.sort((a, b) => (a.urlPath < b.urlPath ? -1 : a.urlPath > b.urlPath ? 1 : 0));
    },
  };
}
