import { isUtf8 } from "node:buffer";
import type * as fs from "node:fs";
import type { Dependency, Entry, HashCache } from "./cache.js";
import { CacheBustError, showUrl } from "./errors.js";
import type { Candidate } from "./locate.js";
import { isMissing, type MissingReporter } from "./missing.js";
import { hexDigestsOf, MAX_REWRITE_BYTES, sameIdentity, type FileRead } from "./read.js";
import { renderTarget } from "./render.js";
import type { KnownInDirectory, KnownReferences } from "./known.js";
import type { Target, TargetCache } from "./target.js";
import type { WatchTracker } from "./watch.js";
import type { ContentTransformer, MissingPolicy, ResolvedOptions } from "./types.js";

// Resolution is written once, as generators that yield the I/O they need (`Op`) and are
// driven two ways (drive.ts): synchronously, or by callbacks without blocking the event loop.

/** The keys of the entries being rewritten on the way to this step: one seen again closes a cycle. */
export type Chain = readonly string[];

/** The I/O a resolution step asks its driver for. */
export type Op =
  /** `fs.Stats`, or `undefined` when nothing is there. */
  | { op: "stat"; file: string }
  /** A `FileRead`; throws a `CacheBustError`. */
  | { op: "read"; file: string; url: unknown; keepBytes: boolean }
  /** The `Entry` {@link load} makes; async reads of one key not yet opened are shared. */
  | { op: "load"; candidate: Candidate; key: string; url: unknown; chain: Chain }
  /** A transformer's output for `source`, its references busted through {@link bustReference}. */
  | TransformOp;

/** See {@link Op}. */
export interface TransformOp {
  op: "transform";
  transformer: ContentTransformer;
  source: string;
  candidate: Candidate;
  deps: Dependency[];
  chain: Chain;
  /** Under `validate: "once"`, the answers known in the directory the file's references resolve against. */
  known?: KnownInDirectory;
}

/** A resolution step: yields `Op`s, gets their results back, returns `T`. */
export type Step<T> = Generator<Op, T, unknown>;

/** What a URL came to. */
export type Resolution =
  | { kind: "skip" }
  | { kind: "cycle" }
  | { kind: "missing"; error: CacheBustError }
  | { kind: "file"; target: Target; entry: Entry };

/** What resolution steps share: the options, the cache, the targets, the missing policy. */
export interface Core {
  opts: ResolvedOptions;
  cache: HashCache;
  targets: TargetCache;
  missing: MissingReporter;
  /** With `validate: "watch"`: which entries may be answered without a check. */
  watch: WatchTracker | undefined;
  /** The answers references of rewritten files had in this build (`validate: "once"`). */
  known: KnownReferences;
  transformerFor(candidate: Candidate): ContentTransformer | undefined;
}

/** The dependencies of every entry no transformer rewrote: frozen, since it is shared. */
const NO_DEPS = Object.freeze([]) as unknown as Dependency[];
/** The chain of a call made from outside: nothing is being rewritten. */
export const NO_CHAIN: Chain = Object.freeze([]);

/** The candidate loop: the first candidate whose file exists, or missing (only for its own file). */
export function* resolveTarget(core: Core, t: Target, url: unknown, chain: Chain): Step<Resolution> {
  let firstError: CacheBustError | undefined;
  for (const { candidate, key } of t.candidates) {
    if (chain.length > 0 && chain.includes(key)) return { kind: "cycle" };
    try {
      return { kind: "file", target: t, entry: yield* entryFor(core, candidate, key, url, chain) };
    } catch (error) {
      if (!isMissing(error, candidate)) throw error;
      firstError ??= error;
    }
  }
  return { kind: "missing", error: firstError as CacheBustError };
}

/**
 * The entry of one candidate: the cached one while its file (and dependencies) are unchanged, or
 * a new read. `checked` holds the keys already validated by the same dependency check.
 */
function* entryFor(
  core: Core,
  candidate: Candidate,
  key: string,
  url: unknown,
  chain: Chain,
  checked?: Set<string>,
): Step<Entry> {
  const { cache } = core;
  const cached = cache.entries.get(key);
  if (cached && ((core.opts.validate === "once" && cached.checkedIn === cache.generation) || checked?.has(key))) {
    cache.counters.hits++;
    return cached;
  }
  if (cached && core.watch?.fresh(cached, cache.entries)) {
    cache.counters.hits++;
    return cached;
  }
  const startedAt = core.watch ? Date.now() : 0;
  if (cached && cached.trusted) {
    cache.counters.stats++;
    const st = (yield { op: "stat", file: candidate.file }) as fs.Stats | undefined;
    // Gone or unreadable: forgotten, and the read below says why.
    if (!st) cache.forget(key);
    const current = unchangedEntry(core, key, st);
    if (current && (current.deps.length === 0 || (yield* depsValid(core, current, chain, checked)))) {
      checked?.add(key);
      return hit(core, current, startedAt);
    }
  }
  const entry = (yield { op: "load", candidate, key, url, chain }) as Entry;
  checked?.add(key);
  core.watch?.track(candidate.file, startedAt);
  return entry;
}

/**
 * The cached entry of `key` if `st` still describes its file. Looked up again, not passed in:
 * another (async) call may have replaced it while the stat ran.
 */
export function unchangedEntry(core: Core, key: string, st: fs.Stats | undefined): Entry | undefined {
  const current = st && core.cache.entries.get(key);
  return current && sameIdentity(current.identity, st as fs.Stats) ? current : undefined;
}

/** Counts a validated entry as a hit of this generation (and, watching, as clean). */
export function hit(core: Core, entry: Entry, startedAt: number): Entry {
  entry.checkedIn = core.cache.generation;
  core.cache.counters.hits++;
  core.watch?.track(entry.candidate.file, startedAt);
  return entry;
}

/**
 * Whether every file a rewritten entry depends on still has the hash it was built with. A file
 * many modules import is checked once per check, not once per path to it: a graph, not a tree.
 */
function* depsValid(core: Core, entry: Entry, chain: Chain, checked = new Set<string>()): Step<boolean> {
  for (const dep of entry.deps) {
    if (chain.includes(dep.key)) return false;
    try {
      if ((yield* entryFor(core, dep.candidate, dep.key, dep.candidate.urlPath, chain, checked)).hash !== dep.hash)
        return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** Reads, rewrites (if a transformer wants the file) and stores one candidate's file. */
export function* load(core: Core, candidate: Candidate, key: string, url: unknown, chain: Chain): Step<Entry> {
  const { cache, opts } = core;
  const transformer = core.transformerFor(candidate);
  const readSeq = cache.nextSeq();
  const read = (yield { op: "read", file: candidate.file, url, keepBytes: !!transformer }) as FileRead;
  cache.counters.hashed++;
  cache.counters.bytesHashed += read.size;
  let hash: string | undefined;
  let content: Buffer | undefined;
  // Only a transformer's references add dependencies; other entries share one empty list.
  const deps: Dependency[] = transformer ? [] : NO_DEPS;
  if (transformer && !read.bytes) warnTooLarge(core, candidate, url, read.size);
  // A file that is not valid UTF-8 would not survive the round trip through text: leave it as it is.
  if (transformer && read.bytes && isUtf8(read.bytes)) {
    const source = read.bytes.toString("utf8");
    const op: TransformOp = { op: "transform", transformer, source, candidate, deps, chain: [...chain, key] };
    const out = (yield op) as string | undefined;
    if (out !== undefined && out !== source) {
      content = Buffer.from(out, "utf8");
      hash = (hexDigestsOf([opts.algorithm], content)[opts.algorithm] as string).slice(0, opts.length);
    }
  }
  // The hash of the file's own bytes only where they are what is served.
  const rawHash = content ? undefined : (read.hex[opts.algorithm] as string).slice(0, opts.length);
  const { identity } = read;
  return cache.put({
    key,
    candidate,
    identity,
    trusted: read.readStartedAt - Math.max(identity.mtimeMs, identity.ctimeMs) > opts.trustAfterMs,
    readSeq,
    hash: hash ?? (rawHash as string),
    rawHash,
    content,
    deps,
    integrity: undefined,
    checkedIn: cache.generation,
    dependency: undefined,
  });
}

/** Tells `onWarning` that a file a transformer would rewrite is too big to be read as text. */
function warnTooLarge(core: Core, candidate: Candidate, url: unknown, size: number): void {
  const message = `cache-id: ${candidate.file} (URL ${showUrl(url)}) has ${size} bytes, more than the ${MAX_REWRITE_BYTES} a transformer rewrites: hashed as it is`;
  core.opts.onWarning(new CacheBustError("TOO_LARGE", message, { url, file: candidate.file }));
}

/**
 * Under `validate: "once"`, the entry of a one-candidate target already checked in this build,
 * as {@link entryFor} would answer it first thing: most references of a module graph or a
 * stylesheet name files other files already named, and skipping the steps for them saves two
 * generators per reference (most of its cost before the JIT has warmed up).
 */
function checkedInThisBuild(core: Core, t: Target, chain: Chain): Entry | undefined {
  if (core.opts.validate !== "once" || t.candidates.length !== 1) return undefined;
  const { key } = t.candidates[0] as Target["candidates"][number];
  const entry = core.cache.checkedNow(key);
  if (!entry || chain.includes(key)) return undefined;
  core.cache.counters.hits++;
  return entry;
}

/**
 * The answer of a reference made before in this build, from the same directory, while the
 * entry it named is still the one `checkedInThisBuild` would give (the cache's version is the
 * same and it was checked in this generation) and not one being rewritten on the way here.
 */
function knownAnswer(core: Core, ref: string, op: TransformOp): string | undefined {
  const { cache } = core;
  if (core.opts.validate !== "once") return undefined;
  op.known ??= core.known.in(core.targets.baseOf(op.candidate.urlPath), cache.generation);
  const known = op.known.get(ref);
  if (known === undefined || known.version !== cache.version || known.entry.checkedIn !== cache.generation)
    return undefined;
  if (op.chain.includes(known.entry.key)) return undefined;
  cache.counters.hits++;
  op.deps.push(dependencyOf(known.entry));
  return known.busted;
}

/** An entry as a dependency: one object for every file that names it. */
const dependencyOf = (entry: Entry): Dependency =>
  (entry.dependency ??= { key: entry.key, candidate: entry.candidate, hash: entry.hash });

/**
 * The reference's new spelling, recording that the file being rewritten depends on `entry`,
 * and remembering the answer (see {@link knownAnswer}) when `entry` is what the cache holds
 * for the target's one candidate in this generation.
 */
function dependOn(core: Core, ref: string, t: Target, entry: Entry, op: TransformOp): string {
  const { cache } = core;
  op.deps.push(dependencyOf(entry));
  const busted = renderTarget(t, entry, core.opts.param, core.opts);
  if (op.known && t.candidates.length === 1 && cache.checkedNow(entry.key) === entry)
    core.known.add(op.known, ref, { entry, busted, version: cache.version });
  return busted;
}

/**
 * What a reference inside a file being rewritten comes to without I/O nor a step, which the
 * drivers try first: its new spelling (or itself, left alone), or, when it needs the steps of
 * {@link bustReference}, its target. Most references name files already checked in this build.
 */
export function bustWithoutSteps(core: Core, ref: string, op: TransformOp): string | Target {
  const known = knownAnswer(core, ref, op);
  if (known !== undefined) return known;
  const t = core.targets.get(ref, op.candidate.urlPath);
  if (!t) return ref;
  const entry = checkedInThisBuild(core, t, op.chain);
  return entry ? dependOn(core, ref, t, entry, op) : t;
}

/** Busts a reference (to `t`) inside a file being rewritten, recording what the result depends on. */
export function* bustReference(
  core: Core,
  ref: string,
  t: Target,
  op: TransformOp,
  missing: MissingPolicy | undefined,
): Step<string> {
  const resolution = yield* resolveTarget(core, t, ref, op.chain);
  if (resolution.kind === "missing") core.missing.report(ref, resolution.error, missing ?? core.opts.missing);
  // A cycle (a.css -> b.css -> a.css) is left as written too.
  if (resolution.kind !== "file") return ref;
  return dependOn(core, ref, t, resolution.entry, op);
}

/** What a URL left alone (`data:`, `#x`...) comes to. */
export const SKIP: Resolution = Object.freeze({ kind: "skip" });
