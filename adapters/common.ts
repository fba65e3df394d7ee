import {
  CacheBustError,
  toCacheBuster,
  type CacheBuster,
  type CacheBustOptions,
  type CallOptions,
} from "../src/index.js";

/** Options only the template adapters know. */
export interface AdapterOptions {
  /** Name of the URL filter (Handlebars: helper), default `"cache_bust"`. */
  filterName?: string;
}

/** What `register*()` accepts as its second argument: options, or a CacheBuster to share. */
export type RegisterOptions = (CacheBustOptions & AdapterOptions) | CacheBuster;

/** The buster an adapter uses and the names it registers under. */
export interface AdapterSetup {
  buster: CacheBuster;
  filterName: string;
  integrityName: string;
}

/**
 * Turns an adapter's arguments into the buster it uses and its filter names.
 * `adapterOptions` lets a shared buster be registered under another name.
 *
 * @example
 * const { buster, filterName } = setup({ root: "public", filterName: "bust" });
 */
export function setup(optionsOrBuster: RegisterOptions | undefined, adapterOptions: AdapterOptions = {}): AdapterSetup {
  const { buster, extra } = toCacheBuster(optionsOrBuster, { filterName: "cache_bust" });
  const filterName = adapterOptions.filterName ?? extra.filterName;
  if (typeof filterName !== "string" || !/^[A-Za-z_][\w-]*$/.test(filterName) || filterName === "integrity") {
    throw new CacheBustError(
      "BAD_ARGUMENT",
      `cache-id: option "filterName" must be a name such as "cache_bust" (letters, digits, _ or -, not "integrity"), got ${JSON.stringify(filterName)}`,
    );
  }
  return { buster, filterName, integrityName: "integrity" };
}

/** Fails at registration, not at the first render, when handed the wrong object. */
export function expectEngine(ok: boolean, adapter: string, expected: string): void {
  if (!ok) throw new CacheBustError("BAD_ARGUMENT", `cache-id: ${adapter} expects ${expected} as its first argument`);
}

// The references LiquidJS's `escape` writes, so that its `unescape`/`escape_once` read them back.
const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", '"': "&#34;", "'": "&#39;", "<": "&lt;", ">": "&gt;" };

/**
 * Escapes text for an HTML attribute or text node (the characters every engine's own escaping
 * covers), so that a browser reads back exactly `text`.
 *
 * @example
 * escapeHtml('/a.css?x=1&v=h') // "/a.css?x=1&amp;v=h"
 */
export function escapeHtml(text: string): string {
  // Most URLs need no escaping; testing first skips building a new string for them.
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPABLE, (c) => HTML_ESCAPES[c] as string) : text;
}
const NEEDS_ESCAPE = /[&"'<>]/;
const ESCAPABLE = /[&"'<>]/g;

/** The page URL a template context holds (`page.url`), when it is a string. */
export function pageUrl(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

const MISSING = ["error", "warn", "ignore"];

/**
 * Reads the named arguments of one filter call (Nunjucks keywords, Handlebars hash, Liquid
 * `key: value`) into core call options; `from` defaults to the page URL. Unknown names and
 * wrong types are `BAD_ARGUMENT` errors, so a typo never silently does nothing.
 *
 * @example
 * callOptions({ param: "h" }, () => "/blog/", "cache_bust", URL_ARGUMENTS) // { from: () => "/blog/", param: "h" }
 */
export function callOptions(
  named: Record<string, unknown>,
  page: () => string | undefined,
  filter: string,
  allowed: readonly string[],
): CallOptions {
  // The page is looked up only for a URL that needs it (the core calls `from` lazily).
  const call: CallOptions = { from: page };
  // for…in, not Object.entries: most calls have no named argument, and this allocates nothing.
  for (const key in named) {
    const value = named[key];
    if (!allowed.includes(key)) {
      throw new CacheBustError(
        "BAD_ARGUMENT",
        `cache-id: ${filter} has no argument "${key}" (it takes ${allowed.join(", ")})`,
      );
    }
    if (value === undefined || value === null) continue;
    if (typeof value !== "string" || (key === "missing" && !MISSING.includes(value))) {
      const want = key === "missing" ? `one of ${MISSING.map((m) => `"${m}"`).join(", ")}` : "a string";
      throw new CacheBustError(
        "BAD_ARGUMENT",
        `cache-id: argument "${key}" of ${filter} must be ${want}, got ${JSON.stringify(value)}`,
      );
    }
    if (key === "from" || key === "param" || key === "missing") (call as Record<string, string>)[key] = value;
  }
  return call;
}

/** Rejects positional arguments a filter does not take, instead of ignoring them. */
export function checkPositional(
  args: readonly unknown[],
  max: number,
  filter: string,
  allowed: readonly string[],
): void {
  if (args.length > max) {
    const takes =
      max === 0 ? "no positional argument after the URL" : `at most ${max} positional argument after the URL`;
    throw new CacheBustError(
      "BAD_ARGUMENT",
      `cache-id: ${filter} takes ${takes}, got ${args.length} (named arguments: ${allowed.join(", ")})`,
    );
  }
}

/** Named arguments each filter takes. */
export const URL_ARGUMENTS = ["param", "from", "missing"] as const;
/** Named arguments of the integrity filter; `algorithm` may also be given positionally. */
export const INTEGRITY_ARGUMENTS = ["algorithm", "from", "missing"] as const;

/** The SRI algorithm of an integrity call: positional, named, or the core's default. */
export function algorithmOf(positional: unknown, named: Record<string, unknown>, filter: string): string | undefined {
  const value = named.algorithm ?? positional;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new CacheBustError(
      "BAD_ARGUMENT",
      `cache-id: the algorithm of ${filter} must be a string such as "sha384", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}
