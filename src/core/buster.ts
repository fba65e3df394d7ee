import { HashCache } from "./cache.js";
import { Drivers } from "./drive.js";
import { emitFiles } from "./emit.js";
import { CacheBustError } from "./errors.js";
import { checkSriAlgorithm, integrityFor } from "./integrity.js";
import type { Candidate } from "./locate.js";
import { KnownReferences } from "./known.js";
import { Lookups } from "./lookup.js";
import { MissingReporter } from "./missing.js";
import { checkCallOptions, resolveOptions } from "./options.js";
import { bustedFile, renderTarget } from "./render.js";
import type { Core, Resolution } from "./resolve.js";
import { TargetCache } from "./target.js";
import { transformerFor } from "./transform.js";
import { WatchTracker } from "./watch.js";
import type { BustedFile, CacheBuster, CacheBustOptions, CallOptions } from "./types.js";

/** Marks a CacheBuster; `Symbol.for` so that ESM- and CJS-loaded copies recognise each other. */
export const CACHE_BUSTER = Symbol.for("cache-id.CacheBuster");

/** The options of a call without any: one shared object, since nothing writes to a call's options. */
const NO_CALL_OPTIONS: CallOptions = Object.freeze({});

function callOptions(from: unknown): CallOptions {
  if (from === undefined || from === null) return NO_CALL_OPTIONS;
  if (typeof from === "string") return { from };
  if (typeof from === "object") return checkCallOptions(from as CallOptions);
  throw new CacheBustError("BAD_ARGUMENT", `cache-id: the page URL ("from") must be a string, got ${typeof from}`);
}

/** The parts of one buster, wired together: see {@link createCacheBuster}. */
function assemble(options: CacheBustOptions) {
  const opts = resolveOptions(options);
  const cache = new HashCache();
  // A rewritten file's bytes depend on the URL it is reached by (its references resolve against it).
  const keyOf = (c: Candidate) => (transformerFor(opts, c) ? `${c.file}\0${c.urlPath}` : c.file);
  const core: Core = {
    opts,
    cache,
    targets: new TargetCache(opts, keyOf),
    missing: new MissingReporter(cache.counters, opts.onWarning),
    watch:
      opts.validate === "watch"
        ? new WatchTracker(
            opts.roots.map((r) => r.dir),
            opts.watch,
          )
        : undefined,
    known: new KnownReferences(),
    transformerFor: (c) => transformerFor(opts, c),
  };
  const drive = new Drivers(core);
  return { core, drive, lookups: new Lookups(core, drive) };
}

/** What a resolution gives each method, after the missing policy (which may throw). */
function answers(core: Core) {
  const { opts, cache } = core;
  /** The hash a resolution gives, after the missing policy (which may throw). */
  const hashOf = (url: unknown, call: CallOptions, resolution: Resolution): string | undefined => {
    if (resolution.kind === "file") return resolution.entry.hash;
    if (resolution.kind === "missing")
      core.missing.report(url as string, resolution.error, call.missing ?? opts.missing);
    else cache.counters.skipped++;
    return undefined;
  };
  /** The busted URL a resolution gives, after the missing policy (which may throw). */
  const urlOf = (url: unknown, call: CallOptions, resolution: Resolution): string => {
    if (resolution.kind !== "file") return (hashOf(url, call, resolution), url as string);
    return renderTarget(resolution.target, resolution.entry, call.param ?? opts.param, opts);
  };
  /** The file a resolution gives, as `entries()` lists it, after the missing policy. */
  const fileOf = (url: unknown, call: CallOptions, resolution: Resolution): BustedFile | undefined => {
    if (resolution.kind !== "file") return (hashOf(url, call, resolution), undefined);
    return bustedFile(resolution.entry.candidate.urlPath, resolution.entry, opts);
  };
  return { hashOf, urlOf, fileOf };
}

/** How a method answers a URL from its resolution. */
type Answer<T> = (url: unknown, call: CallOptions, resolution: Resolution) => T;

/** Makes methods that resolve a URL through `lookups` and answer from the resolution. */
function answering(lookups: Lookups) {
  return {
    /** A method that resolves with blocking reads. */
    answerSync:
      <T>(answer: Answer<T>) =>
      (url: string, from?: string | CallOptions): T => {
        const call = callOptions(from);
        return answer(url, call, lookups.sync(url, call));
      },
    /** The same without blocking the event loop: one promise per call, settled from callbacks. */
    answerAsync:
      <T>(answer: Answer<T>) =>
      (url: string, from?: string | CallOptions): Promise<T> =>
        new Promise<T>((resolve, reject) => {
          const call = callOptions(from);
          lookups.async(url, call, (error, resolution) => {
            if (error !== undefined) return reject(error);
            try {
              resolve(answer(url, call, resolution as Resolution));
            } catch (answerError) {
              reject(answerError);
            }
          });
        }),
  };
}

/**
 * Creates a cache buster: content hashes of files, cached in memory and re-validated against
 * each file's metadata, put into URLs.
 *
 * @example
 * const buster = createCacheBuster({ root: "public" });
 * buster.url("/img/car.jpg"); // "/img/car.jpg?v=3f2a9c1b0d"
 * buster.url("car.jpg", "/img/page.html"); // "car.jpg?v=3f2a9c1b0d"
 */
export function createCacheBuster(options: CacheBustOptions = {}): CacheBuster {
  const { core, drive, lookups } = assemble(options);
  const { opts, cache } = core;

  const { hashOf, urlOf, fileOf } = answers(core);
  const list = (): BustedFile[] => cache.sorted().map(([urlPath, entry]) => bustedFile(urlPath, entry, opts));

  const { answerSync, answerAsync } = answering(lookups);

  const buster: CacheBuster & { [CACHE_BUSTER]: true } = {
    [CACHE_BUSTER]: true,
    options: opts,
    url(url, from) {
      const known = from === undefined ? lookups.rendered(url) : undefined;
      if (known !== undefined) return known;
      const call = callOptions(from);
      const resolution = lookups.sync(url, call);
      const busted = urlOf(url, call, resolution);
      if (from === undefined) lookups.remember(url, resolution, busted);
      return busted;
    },
    urlAsync: answerAsync(urlOf),
    hash: answerSync(hashOf),
    hashAsync: answerAsync(hashOf),
    lookup: answerSync(fileOf),
    lookupAsync: answerAsync(fileOf),
    integrity(url, algorithm = "sha384", from) {
      checkSriAlgorithm(algorithm, url);
      const call = callOptions(from);
      const resolve = () => drive.resolveSync(url, call.from);
      return integrityFor(url, algorithm, opts, cache, resolve, (resolution) => hashOf(url, call, resolution));
    },
    manifest() {
      const out: Record<string, string> = {};
      for (const file of list()) out[file.urlPath] = file.hash;
      return out;
    },
    entries: list,
    stats: () => ({ ...cache.counters }),
    refresh() {
      cache.refresh();
      core.watch?.refresh();
      lookups.clear();
      core.missing.clear();
    },
    clear() {
      cache.clear();
      core.known.clear();
      core.watch?.refresh();
      core.targets.clear();
      lookups.clear();
      core.missing.clear();
    },
    async emit(outDir: string) {
      if (opts.mode !== "path") {
        throw new CacheBustError(
          "BAD_ARGUMENT",
          `cache-id: emit() writes fingerprinted file names, which needs mode: "path"`,
        );
      }
      return emitFiles(list(), outDir, opts, (file) => opts.onWarning(file));
    },
    close() {
      core.watch?.close();
    },
  };
  return buster;
}

/** Whether `value` is a CacheBuster, also one made by another copy of this package. */
export function isCacheBuster(value: unknown): value is CacheBuster {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[CACHE_BUSTER] === true;
}
