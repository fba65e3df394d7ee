import {
  baseDirectory,
  isRootRelative,
  resolveUrlPath,
  splitUrl,
  unfingerprintName,
  type BustedFile,
  type CacheBuster,
  type CallOptions,
  type MissingPolicy,
} from "../../src/index.js";

/** Busts URLs through several busters searched in order (published sources, then the output directory). */
export interface LayeredLookup {
  /** The busted URL; a URL found in no layer is handled by the last layer's `missing` policy. */
  url(url: unknown, from: string | undefined, missing: MissingPolicy | undefined, param?: string): string;
  /** The SRI value of the file the URL names, searched the same way. */
  integrity(
    url: unknown,
    algorithm: string | undefined,
    from: string | undefined,
    missing: MissingPolicy | undefined,
  ): string | undefined;
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

/** One buster and which URL paths it may answer for (`serves` is given the decoded, resolved URL path). */
export interface Layer {
  buster: CacheBuster;
  serves(urlPath: string): boolean;
}

/** A URL that names no published file: the last layer reports it, or it is refused outright. */
export type Refusal = (url: string, urlPath: string, missing: MissingPolicy | undefined) => string | undefined;

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

/** The decoded URL path a local URL names, or `undefined` when the core leaves it alone or refuses it. */
function urlPathOf(url: string, from: string | undefined): string | undefined {
  const parts = splitUrl(url);
  if (!parts) return undefined;
  try {
    return resolveUrlPath(parts.path, baseDirectory(from), url);
  } catch {
    // The core reports a malformed URL itself, with its own code.
    return undefined;
  }
}

/** Whether a layer serves a URL path, also as the plain name of a fingerprinted one. */
function layerServes(layer: Layer, urlPath: string, length: number): boolean {
  if (layer.serves(urlPath)) return true;
  const slash = urlPath.lastIndexOf("/") + 1;
  const plain = unfingerprintName(urlPath.slice(slash), length);
  return plain !== undefined && layer.serves(urlPath.slice(0, slash) + plain.name);
}

/**
 * Searches `layers` in order for the published file a URL names. `pathPrefix` is Eleventy's
 * (always beginning and ending with `/`). A URL that names no published file goes to `refuse`
 * when it gives an answer, otherwise to the last layer under the caller's `missing` policy.
 *
 * @example
 * const lookup = layeredLookup([{ buster: sources, serves: published }, { buster: output, serves: () => true }], "/docs/");
 * lookup.url("/docs/css/site.css", "/blog/", "error"); // "/docs/css/site.css?v=3f2a9c1b0d"
 */
export function layeredLookup(layers: readonly Layer[], pathPrefix: string, refuse?: Refusal): LayeredLookup {
  const busters = layers.map((l) => l.buster);
  const last = busters[busters.length - 1] as CacheBuster;
  const length = last.options.length;
  // Root-relative URLs name the same file from every page: within one build (while no buster
  // re-checks files) the answer found for one page holds for all.
  const memo = busters.every((b) => b.options.validate === "once") ? new Map<string, string>() : undefined;

  /** The buster and spelling under which the URL names a published file, if any. */
  function find(
    url: string,
    from: string | undefined,
    param?: string,
  ): { buster: CacheBuster; spelling: Spelling; busted: string } | undefined {
    const quiet: CallOptions = param === undefined ? { from, missing: "ignore" } : { from, missing: "ignore", param };
    for (const spelling of spellings(url, pathPrefix)) {
      const urlPath = urlPathOf(spelling.lookup, from);
      if (urlPath === undefined) continue;
      for (const layer of layers) {
        if (!layerServes(layer, urlPath, length)) continue;
        const busted = layer.buster.url(spelling.lookup, quiet);
        // An unchanged answer is either a miss or a URL that already carries its current hash.
        if (busted !== spelling.lookup || layer.buster.hash(spelling.lookup, quiet) !== undefined) {
          return { buster: layer.buster, spelling, busted: restore(busted, spelling) };
        }
      }
    }
    return undefined;
  }

  /** What a URL found in no layer gives: a refusal's answer, or the last layer's policy. */
  function unpublished(url: unknown, from: string | undefined, missing: MissingPolicy | undefined): string | undefined {
    if (refuse && typeof url === "string") {
      const urlPath = urlPathOf(url, from);
      if (urlPath !== undefined) return refuse(url, urlPath, missing);
    }
    return undefined;
  }

  return {
    busters,
    url(url, from, missing, param) {
      if (typeof url === "string") {
        const found = find(url, from, param);
        if (found) {
          if (memo && param === undefined && isRootRelative(url)) memo.set(url, found.busted);
          return found.busted;
        }
      }
      return (
        unpublished(url, from, missing) ??
        last.url(url as string, param === undefined ? { from, missing } : { from, missing, param })
      );
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
        if (unpublished(url, from, missing) !== undefined) return undefined;
      }
      return last.integrity(url as string, algorithm, { from, missing });
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
