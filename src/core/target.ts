import { BoundedMap } from "./bounded.js";
import type { Entry } from "./cache.js";
import { CacheBustError, showUrl } from "./errors.js";
import { candidatesFor, type Candidate } from "./locate.js";
import type { CallOptions, ResolvedOptions } from "./types.js";
import { baseDirectory, isRootRelative, resolveUrlPath, splitUrl, type UrlParts } from "./url.js";

/** The last answer rendered for a target, reused while its entry and param are the same. */
export interface Rendered {
  entry: Entry;
  param: string;
  url: string;
}

/** Where a URL points, as far as it can be known without the file system. */
export interface Target {
  parts: UrlParts;
  /** The files to try, in order, each with its entry key. */
  candidates: Array<{ candidate: Candidate; key: string }>;
  rendered?: Rendered;
}

/** A target holds its URL's parts and its last busted URL: about three times the key's text. */
const weighTarget = (key: string) => 3 * key.length;
/** Candidates hold the URL path, the file path and the entry keys: about four times the URL path. */
const weighCandidates = (urlPath: string) => 4 * urlPath.length;

/**
 * A copy of `s` that refers to no other string. A slice of a file's text (a specifier a
 * transformer found) keeps that whole text alive for as long as the slice is kept: a cache
 * that keeps slices keeps every file it has read.
 */
export function ownString(s: string): string {
  return ` ${s}`.slice(1);
}

/** The page URL of a call, asking a lazy `from` for it. */
export function pageUrlOf(from: CallOptions["from"]): string | undefined {
  const page = typeof from === "function" ? from() : from;
  if (page !== undefined && typeof page !== "string") {
    throw new CacheBustError("BAD_ARGUMENT", `cache-id: the page URL ("from") must be a string, got ${typeof page}`);
  }
  return page;
}

/** The files to try for a URL path, each with its entry key. */
export type Candidates = Target["candidates"];

/** The candidates of a resolved URL path, each named by `keyOf`. */
export function candidatesOf(
  urlPath: string,
  opts: ResolvedOptions,
  url: unknown,
  keyOf: (c: Candidate) => string,
): Candidates {
  return candidatesFor(urlPath, opts, url).map((candidate) => ({ candidate, key: keyOf(candidate) }));
}

/**
 * Where a URL points: `undefined` for a URL left alone (scheme, `//`, `#`, `?`). Pure but for
 * `candidatesOf`, which gives the files a resolved URL path may name (see {@link candidatesOf}).
 * Throws `BAD_URL`, `OUTSIDE_ROOT`.
 *
 * @example
 * parseTarget("car.jpg", "/img/", opts, (p, u) => candidatesOf(p, opts, u, keyOf))?.candidates[0].candidate.urlPath // "/img/car.jpg"
 */
export function parseTarget(
  url: string,
  base: string,
  opts: ResolvedOptions,
  candidatesAt: (urlPath: string, url: string) => Candidates,
): Target | undefined {
  const parts = splitUrl(url);
  if (!parts) return undefined;
  const rootDir = (opts.roots.find((r) => r.prefix === "/") as { dir: string }).dir;
  return { parts, candidates: candidatesAt(resolveUrlPath(parts.path, base, url, rootDir), url) };
}

/**
 * Targets by URL and base directory (parsing is pure, so it is done once per spelling; bounded,
 * see `BoundedMap`), and
 * the base directory of the last page asked about: consecutive calls tend to share a page.
 */
export class TargetCache {
  readonly #targets = new BoundedMap<Target>(weighTarget);
  /**
   * Candidates by resolved URL path, shared by every spelling of it (`./a.js` in a module,
   * `/js/a.js` in a page): one set of candidate objects and entry keys per file, not per spelling.
   */
  readonly #candidates = new BoundedMap<Candidates>(weighCandidates);
  #lastPage: string | undefined;
  #lastBase = "/";

  constructor(
    readonly opts: ResolvedOptions,
    readonly keyOf: (c: Candidate) => string,
  ) {}

  /** The directory relative URLs resolve against for a call's page. */
  baseOf(from: CallOptions["from"]): string {
    const page = pageUrlOf(from);
    if (page !== this.#lastPage) {
      this.#lastBase = baseDirectory(page);
      this.#lastPage = page;
    }
    return this.#lastBase;
  }

  /** The key a URL's answers are remembered by: the URL, and the base for a relative one. */
  keyFor(url: string, from: CallOptions["from"]): string {
    return isRootRelative(url) ? url : `${this.baseOf(from)}\0${url}`;
  }

  /** Where `url` points (`undefined`: left alone); throws `BAD_ARGUMENT` for a non-string. */
  get(url: unknown, from: CallOptions["from"]): Target | undefined {
    if (typeof url !== "string") {
      throw new CacheBustError("BAD_ARGUMENT", `cache-id: expected a URL string, got ${showUrl(url)}`, { url });
    }
    const absolute = isRootRelative(url);
    const base = absolute ? "/" : this.baseOf(from);
    const key = absolute ? url : `${base}\0${url}`;
    const known = this.#targets.get(key);
    if (known !== undefined) return known;
    if (this.opts.transformers.length > 0) return this.#parseShared(url, base, absolute);
    const target = parseTarget(url, base, this.opts, this.#candidatesMade);
    // A URL left alone is never stored: telling one costs less than keeping a `data:` URL alive.
    if (target) this.#targets.set(key, target);
    return target;
  }

  /**
   * With transformers, whose files name the same file by other spellings (`./a.js`, `/js/a.js`):
   * the target made from a copy of `url`, which may be a slice of a whole module or stylesheet,
   * and sharing its candidates with every other spelling of the same URL path.
   */
  #parseShared(url: string, base: string, absolute: boolean): Target | undefined {
    const own = ownString(url);
    const target = parseTarget(own, base, this.opts, this.#candidatesShared);
    if (target) this.#targets.set(absolute ? own : `${base}\0${own}`, target);
    return target;
  }

  /** The candidates of a resolved URL path (`url` names it in errors), made for one target. */
  readonly #candidatesMade = (urlPath: string, url: string): Candidates =>
    candidatesOf(urlPath, this.opts, url, this.keyOf);

  /** The candidates of a resolved URL path (`url` names it in errors), made once for all its spellings. */
  readonly #candidatesShared = (urlPath: string, url: string): Candidates => {
    const known = this.#candidates.get(urlPath);
    if (known !== undefined) return known;
    const made = candidatesOf(urlPath, this.opts, url, this.keyOf);
    this.#candidates.set(urlPath, made);
    return made;
  };

  /** Forgets every target. */
  clear(): void {
    this.#targets.clear();
    this.#candidates.clear();
  }
}
