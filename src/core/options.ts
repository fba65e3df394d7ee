import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { CacheBustError } from "./errors.js";
import type { CacheBustOptions, CallOptions, ResolvedOptions, WatchOptions } from "./types.js";

const KNOWN = new Set([
  "root",
  "roots",
  "mode",
  "param",
  "algorithm",
  "length",
  "missing",
  "trustAfterMs",
  "validate",
  "onWarning",
  "transformers",
  "allowLinksOutside",
  "watch",
]);

/** Shortest hash kept: below 6 hex characters, two files of one site share a hash too often. */
export const MIN_LENGTH = 6;

/** A value shown in a message: JSON where it can be (a BigInt or a cycle cannot), else its type. */
function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `a ${typeof value} (${String(value).slice(0, 40)})`;
  }
}

function bad(message: string): CacheBustError {
  return new CacheBustError("BAD_ARGUMENT", `cache-id: ${message}`);
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw bad(`option "${name}" must be one of ${allowed.map((a) => show(a)).join(", ")}, got ${show(value)}`);
  }
  return value as T;
}

const MISSING_POLICIES = ["error", "warn", "ignore"] as const;

/** Checks a query parameter name: non-empty, without `&`, `#`, `=` or white space. */
export function checkParam(param: unknown, what: string): string {
  if (typeof param !== "string" || param === "" || /[&#=\s]/.test(param)) {
    throw bad(`${what} must be a non-empty string without &, #, = or spaces, got ${show(param)}`);
  }
  return param;
}

/** Checks the per-call overrides of a URL method's second argument. */
export function checkCallOptions(call: CallOptions): CallOptions {
  if (call.from !== undefined && typeof call.from !== "string" && typeof call.from !== "function") {
    throw bad(`the page URL ("from") must be a string, got ${typeof call.from}`);
  }
  if (call.param !== undefined) checkParam(call.param, `the call option "param"`);
  if (call.missing !== undefined) oneOf("missing", call.missing, MISSING_POLICIES, "error");
  return call;
}

/**
 * Checks options and fills in defaults; relative directories resolve against the working
 * directory. Throws `BAD_ARGUMENT` naming the option at fault.
 *
 * @example
 * resolveOptions({ root: "public" }).roots // [{ prefix: "/", dir: "<cwd>/public" }]
 */
export function resolveOptions(options: CacheBustOptions = {}, ignore: readonly string[] = []): ResolvedOptions {
  if (options === null || typeof options !== "object") throw bad(`options must be an object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key) && !ignore.includes(key)) throw bad(`unknown option "${key}"`);
  }
  const algorithm = options.algorithm ?? "sha256";
  let digestLength: number;
  try {
    digestLength = createHash(algorithm).digest("hex").length;
  } catch {
    throw bad(`option "algorithm": node:crypto does not know ${show(algorithm)}`);
  }
  const length = options.length ?? 10;
  if (!Number.isInteger(length) || length < MIN_LENGTH || length > digestLength) {
    throw bad(
      `option "length" must be a whole number from ${MIN_LENGTH} to ${digestLength} for ${algorithm}, got ${show(length)}`,
    );
  }
  const param = checkParam(options.param ?? "v", `option "param"`);
  const trustAfterMs = options.trustAfterMs ?? 3000;
  if (typeof trustAfterMs !== "number" || !(trustAfterMs >= 0)) {
    throw bad(`option "trustAfterMs" must be a number of milliseconds >= 0, got ${show(trustAfterMs)}`);
  }
  if (options.onWarning !== undefined && typeof options.onWarning !== "function") {
    throw bad(`option "onWarning" must be a function`);
  }
  const transformers = options.transformers ?? [];
  // A loop over every index, not `some`, which skips the holes of a sparse array.
  if (
    !Array.isArray(transformers) ||
    !Array.from(transformers).every((t) => typeof t?.test === "function" && typeof t?.transform === "function")
  ) {
    throw bad(`option "transformers" must be an array of { name, test(), transform() }`);
  }
  const allowLinksOutside = options.allowLinksOutside ?? false;
  if (typeof allowLinksOutside !== "boolean") {
    throw bad(`option "allowLinksOutside" must be true or false, got a ${typeof allowLinksOutside}`);
  }
  return {
    roots: resolveRoots(options.root, options.roots),
    mode: oneOf("mode", options.mode, ["query", "path"], "query"),
    param,
    algorithm,
    length,
    missing: oneOf("missing", options.missing, MISSING_POLICIES, "error"),
    trustAfterMs,
    validate: oneOf("validate", options.validate, ["always", "once", "watch"], "always"),
    watch: resolveWatch(options.watch),
    onWarning: options.onWarning ?? ((error) => console.warn(error.message)),
    transformers,
    allowLinksOutside,
  };
}

/** Checks the settings of `validate: "watch"` and fills in defaults. */
function resolveWatch(watch: unknown): Required<WatchOptions> {
  if (watch !== undefined && (watch === null || typeof watch !== "object"))
    throw bad(`option "watch" must be an object such as { recheckMs: 1000 }`);
  const { recheckMs = 1000, maxDirectories = 8192, ...rest } = (watch ?? {}) as WatchOptions;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw bad(`unknown option "watch.${unknown}"`);
  if (typeof recheckMs !== "number" || !(recheckMs >= 0))
    throw bad(`option "watch.recheckMs" must be a number of milliseconds >= 0, got ${show(recheckMs)}`);
  if (!Number.isInteger(maxDirectories) || maxDirectories < 0)
    throw bad(`option "watch.maxDirectories" must be a whole number >= 0, got ${show(maxDirectories)}`);
  return { recheckMs, maxDirectories };
}

/**
 * Turns `root` and `roots` into a list of URL prefixes (each ending in `/`) and absolute
 * directories, longest prefix first. `/` maps to `root`, or the working directory.
 *
 * @example
 * resolveRoots(undefined, { "/static": "assets" }) // [{ prefix: "/static/", dir: "<cwd>/assets" }, { prefix: "/", dir: "<cwd>" }]
 */
export function resolveRoots(root: unknown, roots: unknown): Array<{ prefix: string; dir: string }> {
  if (root !== undefined && (typeof root !== "string" || root === "")) {
    throw bad(`option "root" must be a directory path, got ${show(root)}`);
  }
  if (roots !== undefined && (roots === null || typeof roots !== "object" || Array.isArray(roots))) {
    throw bad(`option "roots" must be an object such as { "/static/": "assets" }`);
  }
  const out = new Map<string, string>();
  for (const [key, dir] of Object.entries((roots ?? {}) as Record<string, unknown>)) {
    if (!key.startsWith("/") || key.includes("\\") || key.split("/").some((s) => s === "." || s === "..")) {
      throw bad(`option "roots": the key ${show(key)} must be a URL path starting with "/"`);
    }
    if (typeof dir !== "string" || dir === "") {
      throw bad(`option "roots": the directory for ${show(key)} must be a path, got ${show(dir)}`);
    }
    const prefix = key.endsWith("/") ? key : `${key}/`;
    if (prefix === "/" && root !== undefined) {
      throw bad(`give either option "root" or a "/" key in "roots", not both`);
    }
    if (out.has(prefix)) throw bad(`option "roots" names ${show(prefix)} twice`);
    out.set(prefix, resolve(dir));
  }
  if (!out.has("/")) out.set("/", resolve((root as string | undefined) ?? process.cwd()));
  return [...out].map(([prefix, dir]) => ({ prefix, dir })).sort((a, b) => b.prefix.length - a.prefix.length);
}
