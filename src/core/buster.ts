import { isUtf8 } from "node:buffer";
import * as fs from "node:fs";
import { emitFiles } from "./emit.js";
import { CacheBustError, showUrl } from "./errors.js";
import { fingerprintName, renameLastSegment, unfingerprintName } from "./fingerprint.js";
import { candidatesFor, type Candidate } from "./locate.js";
import { checkCallOptions, resolveOptions } from "./options.js";
import { createReadScratch, digestBytes, fileError, readFileCallback, readFileSync, sameIdentity, type FileIdentity, type FileRead } from "./read.js";
import type { BustedFile, CacheBuster, CacheBustOptions, CacheBustStats, CallOptions, ContentTransformer, MissingPolicy } from "./types.js";
import { baseDirectory, isRootRelative, joinUrl, resolveUrlPath, setQueryParam, splitUrl, type UrlParts } from "./url.js";

/** Marks a CacheBuster; `Symbol.for` so that ESM- and CJS-loaded copies recognise each other. */
export const CACHE_BUSTER = Symbol.for("cache-id.CacheBuster");

/** A file another file's rewritten contents depend on (a stylesheet's font, say). */
interface Dependency {
  key: string;
  candidate: Candidate;
  hash: string;
}

/** One hashed version of one file. */
interface Entry {
  key: string;
  candidate: Candidate;
  identity: FileIdentity;
  /** The read began more than `trustAfterMs` after the file's mtime and ctime. */
  trusted: boolean;
  /** Orders reads, so that an older read finishing late never replaces a newer entry. */
  readSeq: number;
  /** Hash of what is served: the rewritten bytes when a transformer changed the file. */
  hash: string;
  /** Hash of the file's own bytes. */
  rawHash: string;
  content?: Buffer;
  deps: Dependency[];
  integrity: Map<string, string>;
  /** Generation (see `refresh()`) in which this entry was last checked against its file. */
  checkedIn: number;
}

/** What a URL came to. */
type Resolution =
  | { kind: "skip" }
  | { kind: "missing"; error: CacheBustError }
  | { kind: "file"; target: { parts: UrlParts; rendered?: { entry: Entry; param: string; url: string } }; entry: Entry };

const SRI_ALGORITHMS = ["sha256", "sha384", "sha512"];

/** The dependencies of every entry no transformer rewrote: frozen, since it is shared. */
const NO_DEPS = Object.freeze([]) as unknown as Dependency[];

function toHex(digest: Buffer, length: number): string {
  return digest.toString("hex").slice(0, length);
}

function callOptions(from: unknown): CallOptions {
  if (from === undefined || from === null) return {};
  if (typeof from === "string") return { from };
  if (typeof from === "object") return checkCallOptions(from as CallOptions);
  throw new CacheBustError("BAD_ARGUMENT", `cache-id: the page URL ("from") must be a string, got ${typeof from}`);
}

/** The page URL of a call, asking a lazy `from` for it. */
function pageUrlOf(from: CallOptions["from"]): string | undefined {
  const page = typeof from === "function" ? from() : from;
  if (page !== undefined && typeof page !== "string") {
    throw new CacheBustError("BAD_ARGUMENT", `cache-id: the page URL ("from") must be a string, got ${typeof page}`);
  }
  return page;
}

function encodePath(path: string): string {
  return encodeURI(path).replace(/\?/g, "%3F").replace(/#/g, "%23");
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
  const opts = resolveOptions(options);
  const { algorithm, length, trustAfterMs, mode } = opts;
  const once = opts.validate === "once";
  const rootDir = (opts.roots.find((r) => r.prefix === "/") as { dir: string }).dir;

  /** Hashed versions, by file (and URL path, for rewritten files). */
  const entries = new Map<string, Entry>();
  /** Resolved URL path -> entry key, for `manifest()` and `entries()`. */
  const byUrlPath = new Map<string, string>();
  /** Reads about to start, shared by the async calls made before they open the file. */
  const inflight = new Map<string, { started: boolean; promise: Promise<Entry> }>();
  /** With `validate: "once"`: what URLs resolved to in this generation, by URL and base directory. */
  const memo = new Map<string, Resolution>();
  /**
   * With `validate: "once"`: the busted URL of each root-relative URL called without options,
   * the call a template build makes most. Cleared with `memo`, so it is never older than it.
   */
  const rendered = new Map<string, string>();
  /** Entries whose transformer is running: a reference back to one closes a cycle. */
  const transforming = new Set<string>();
  const warned = new Set<string>();
  const counters: CacheBustStats = { hits: 0, hashed: 0, bytesHashed: 0, stats: 0, skipped: 0, missing: 0 };
  let generation = 0;
  let seq = 0;

  const transformerFor = (c: Candidate): ContentTransformer | undefined =>
    opts.transformers.length === 0 ? undefined : opts.transformers.find((t) => t.test(c.urlPath, c.file));
  const keyOf = (c: Candidate, t = transformerFor(c)) => (t ? `${c.file}\0${c.urlPath}` : c.file);

  // ---- URL -> candidates ------------------------------------------------------------------

  /** Where a URL points, as far as it can be known without the file system. */
  interface Target {
    parts: UrlParts;
    candidates: Array<{ candidate: Candidate; key: string }>;
    /** The last answer rendered for this target, reused while its entry is unchanged. */
    rendered?: { entry: Entry; param: string; url: string };
  }
  /** Targets by URL and base directory: parsing is pure, so it is done once per spelling. */
  const targets = new Map<string, Target | null>();
  const MAX_TARGETS = 50_000;

  /** The page whose base directory was found last, and that directory. */
  let lastPage: string | undefined;
  let lastBase = "/";

  /**
   * The directory relative URLs resolve against. Consecutive calls tend to share a page (all
   * the references of one stylesheet do), so the last answer is kept.
   */
  function baseOf(from: CallOptions["from"]): string {
    const page = pageUrlOf(from);
    if (page !== lastPage) {
      lastBase = baseDirectory(page);
      lastPage = page;
    }
    return lastBase;
  }

  function target(url: unknown, from: CallOptions["from"]): Target | undefined {
    if (typeof url !== "string") {
      throw new CacheBustError("BAD_ARGUMENT", `cache-id: expected a URL string, got ${showUrl(url)}`, { url });
    }
    const absolute = isRootRelative(url);
    const base = absolute ? "/" : baseOf(from);
    const memoKey = absolute ? url : `${base}\0${url}`;
    const known = targets.get(memoKey);
    if (known !== undefined) return known ?? undefined;
    const parts = splitUrl(url);
    let t: Target | null = null;
    if (parts) {
      const urlPath = resolveUrlPath(parts.path, base, url, rootDir);
      t = { parts, candidates: candidatesFor(urlPath, opts, url).map((candidate) => ({ candidate, key: keyOf(candidate) })) };
    }
    if (targets.size >= MAX_TARGETS) targets.clear();
    targets.set(memoKey, t);
    return t ?? undefined;
  }

  // ---- entries: validate or (re)hash ------------------------------------------------------

  function store(candidate: Candidate, key: string, read: FileRead, readSeq: number, transformer: ContentTransformer | undefined): Entry {
    counters.hashed++;
    counters.bytesHashed += read.size;
    const rawHash = (read.hex[algorithm] as string).slice(0, length);
    let hash = rawHash;
    let content: Buffer | undefined;
    // Only a transformer's references add dependencies; other entries share one empty list.
    const deps: Dependency[] = transformer ? [] : NO_DEPS;
    const source = transformer && read.bytes ? read.bytes.toString("utf8") : undefined;
    // A file that is not valid UTF-8 would not survive the round trip through text: leave it as it is.
    if (transformer && source !== undefined && isUtf8(read.bytes as Buffer)) {
      transforming.add(key);
      let out: string | undefined;
      try {
        out = transformer.transform(source, {
          urlPath: candidate.urlPath,
          file: candidate.file,
          bust: (ref, o) => bustReference(ref, candidate, deps, o?.missing),
        });
      } finally {
        transforming.delete(key);
      }
      if (out !== undefined && out !== source) {
        content = Buffer.from(out, "utf8");
        hash = toHex(digestBytes([algorithm], content)[algorithm] as Buffer, length);
      }
    }
    const { identity } = read;
    const entry: Entry = {
      key,
      candidate,
      identity,
      trusted: read.readStartedAt - Math.max(identity.mtimeMs, identity.ctimeMs) > trustAfterMs,
      readSeq,
      hash,
      rawHash,
      content,
      deps,
      integrity: new Map(),
      checkedIn: generation,
    };
    const current = entries.get(key);
    if (!current || current.readSeq < readSeq) entries.set(key, entry);
    byUrlPath.set(candidate.urlPath, key);
    return entry;
  }

  /** Whether every file a rewritten entry depends on still has the hash it was built with. */
  function depsValid(entry: Entry): boolean {
    for (const dep of entry.deps) {
      if (transforming.has(dep.key)) return false;
      try {
        if (entrySync(dep.candidate, dep.key, dep.candidate.urlPath).hash !== dep.hash) return false;
      } catch {
        return false;
      }
    }
    return true;
  }

  /** The cached entry, if it may be reused without reading the file; `null` if the file is gone. */
  function reusable(entry: Entry | undefined, st: fs.Stats | undefined): Entry | undefined {
    if (!entry || !st) return undefined;
    if (!sameIdentity(entry.identity, st) || !depsValid(entry)) return undefined;
    entry.checkedIn = generation;
    counters.hits++;
    return entry;
  }

  /** What a read digests: one list for every read, not one per file. */
  const readAlgorithms: readonly string[] = [algorithm];
  /** The buffer synchronous reads share (see `ReadScratch`). */
  const scratch = createReadScratch();

  function entrySync(candidate: Candidate, key: string, url: unknown): Entry {
    const cached = entries.get(key);
    if (cached && once && cached.checkedIn === generation) {
      counters.hits++;
      return cached;
    }
    if (cached && cached.trusted) {
      counters.stats++;
      const st = fs.statSync(candidate.file, { throwIfNoEntry: false });
      const hit = reusable(cached, st);
      if (hit) return hit;
      if (!st) {
        entries.delete(key);
        throw fileError(url, candidate.file, Object.assign(new Error("ENOENT"), { code: "ENOENT" }));
      }
    }
    const transformer = transformerFor(candidate);
    const readSeq = ++seq;
    return store(candidate, key, readFileSync(candidate.file, url, readAlgorithms, !!transformer, scratch), readSeq, transformer);
  }

  function statAsync(file: string): Promise<fs.Stats | undefined> {
    return new Promise((ok) => fs.stat(file, (e, st) => ok(e ? undefined : st)));
  }

  function entryAsync(candidate: Candidate, key: string, url: unknown): Promise<Entry> {
    const cached = entries.get(key);
    if (cached && once && cached.checkedIn === generation) {
      counters.hits++;
      return Promise.resolve(cached);
    }
    if (cached && cached.trusted) return revalidateAsync(candidate, key, url);
    return readEntryAsync(candidate, key, url);
  }

  async function revalidateAsync(candidate: Candidate, key: string, url: unknown): Promise<Entry> {
    counters.stats++;
    const st = await statAsync(candidate.file);
    return reusable(entries.get(key), st) ?? (await readEntryAsync(candidate, key, url));
  }

  /**
   * Reads and stores a file. Joins a read only while it has not opened the file yet: its bytes
   * are then at least as new as this call. The open waits for a microtask, so that calls made
   * together (in one synchronous run, e.g. Promise.all over a page's URLs) share a single read.
   * One promise per read, settled from the read's callback: no chain of awaits per file.
   */
  function readEntryAsync(candidate: Candidate, key: string, url: unknown): Promise<Entry> {
    const running = inflight.get(key);
    if (running && !running.started) return running.promise;
    const transformer = transformerFor(candidate);
    const readSeq = ++seq;
    const record = { started: false, promise: undefined as unknown as Promise<Entry> };
    record.promise = new Promise<Entry>((resolve, reject) => {
      queueMicrotask(() => {
        record.started = true;
        readFileCallback(candidate.file, url, readAlgorithms, !!transformer, (error, read) => {
          if (inflight.get(key) === record) inflight.delete(key);
          if (error !== undefined) {
            reject(error);
            return;
          }
          try {
            resolve(store(candidate, key, read as FileRead, readSeq, transformer));
          } catch (storeError) {
            reject(storeError);
          }
        });
      });
    });
    inflight.set(key, record);
    return record.promise;
  }

  // ---- URL -> resolution --------------------------------------------------------------------

  /**
   * Whether an error says that the candidate's own file does not exist. A file that its
   * transformer's references name being missing (a stylesheet's image) is not: taken for one,
   * it sent the lookup on to the next candidate or root, such as an older copy in an output
   * directory, and a build passed with that copy's hash.
   */
  function isMissing(error: unknown, candidate: Candidate): error is CacheBustError {
    return error instanceof CacheBustError && error.code === "MISSING_FILE" && error.file === candidate.file;
  }

  /** The resolution of a URL none of whose candidates exists, after `isMissing` errors only. */
  function missingOrThrow(error: unknown): Resolution {
    if (error instanceof CacheBustError && error.code === "MISSING_FILE") return { kind: "missing", error };
    throw error;
  }

  /** What an error from a candidate comes to: missing, or thrown. */
  function missingCandidate(error: unknown, candidate: Candidate): Resolution {
    if (isMissing(error, candidate)) return { kind: "missing", error };
    throw error;
  }

  function resolveSync(url: unknown, from: CallOptions["from"]): Resolution {
    const t = target(url, from);
    if (!t) return { kind: "skip" };
    let firstError: unknown;
    for (const { candidate, key } of t.candidates) {
      try {
        return { kind: "file", target: t, entry: entrySync(candidate, key, url) };
      } catch (error) {
        if (!isMissing(error, candidate)) throw error;
        firstError ??= error;
      }
    }
    return missingOrThrow(firstError);
  }

  function resolveAsync(url: unknown, from: CallOptions["from"]): Promise<Resolution> {
    let t: Target | undefined;
    try {
      t = target(url, from);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!t) return Promise.resolve({ kind: "skip" });
    // The common case, one file to try, settles through one `then` rather than an async function.
    if (t.candidates.length === 1) {
      const { candidate, key } = t.candidates[0] as Target["candidates"][number];
      const found = t;
      try {
        return entryAsync(candidate, key, url).then(
          (entry): Resolution => ({ kind: "file", target: found, entry }),
          (error) => missingCandidate(error, candidate),
        );
      } catch (error) {
        return new Promise((settle) => settle(missingCandidate(error, candidate))); // a transformer's test() may throw
      }
    }
    return resolveCandidatesAsync(url, t);
  }

  async function resolveCandidatesAsync(url: unknown, t: Target): Promise<Resolution> {
    let firstError: unknown;
    for (const { candidate, key } of t.candidates) {
      try {
        return { kind: "file", target: t, entry: await entryAsync(candidate, key, url) };
      } catch (error) {
        if (!isMissing(error, candidate)) throw error;
        firstError ??= error;
      }
    }
    return missingOrThrow(firstError);
  }

  /** The busted URL of a target for an entry: the last one made, while entry and param are the same. */
  function renderTarget(t: Pick<Target, "parts" | "rendered">, entry: Entry, param: string): string {
    const last = t.rendered;
    if (last && last.entry === entry && last.param === param) return last.url;
    const busted = render(t.parts, entry, param);
    t.rendered = { entry, param, url: busted };
    return busted;
  }

  function render(parts: UrlParts, entry: Entry, param: string): string {
    if (mode === "query") return joinUrl({ ...parts, query: setQueryParam(parts.query, param, entry.hash) });
    const path = renameLastSegment(parts.path, (segment) => {
      // `car.<old>.jpg` -> `car.<new>.jpg`: drop the fingerprint the URL already carries.
      const plain = entry.candidate.unfingerprinted ? (unfingerprintName(segment, length)?.name ?? segment) : segment;
      return fingerprintName(plain, entry.hash);
    });
    return joinUrl({ ...parts, path });
  }

  function onMissing(url: string, error: CacheBustError, policy: MissingPolicy): void {
    counters.missing++;
    if (policy === "error") throw error;
    if (policy === "warn" && !warned.has(url)) {
      warned.add(url);
      opts.onWarning(error);
    }
  }

  /** Busts a reference inside a file being rewritten, recording what the result depends on. */
  function bustReference(ref: string, owner: Candidate, deps: Dependency[], missing: MissingPolicy | undefined): string {
    const t = target(ref, owner.urlPath);
    if (!t) return ref;
    let firstError: unknown;
    for (const { candidate, key } of t.candidates) {
      if (transforming.has(key)) return ref; // closes a cycle (a.css -> b.css -> a.css): left as written
      try {
        const entry = entrySync(candidate, key, ref);
        deps.push({ key, candidate, hash: entry.hash });
        return renderTarget(t, entry, opts.param);
      } catch (error) {
        if (!isMissing(error, candidate)) throw error;
        firstError ??= error;
      }
    }
    const resolution = missingOrThrow(firstError);
    if (resolution.kind === "missing") onMissing(ref, resolution.error, missing ?? opts.missing);
    return ref;
  }

  function memoKey(url: unknown, call: CallOptions): string | undefined {
    if (!once || typeof url !== "string") return undefined;
    return isRootRelative(url) ? url : `${baseOf(call.from)}\0${url}`;
  }

  /** What a URL resolves to; with `validate: "once"`, answered from this build's memo. */
  function lookupSync(url: unknown, call: CallOptions): Resolution {
    const key = memoKey(url, call);
    if (key === undefined) return resolveSync(url, call.from);
    const known = memo.get(key);
    if (known) {
      if (known.kind === "file") counters.hits++;
      return known;
    }
    const resolution = resolveSync(url, call.from);
    memo.set(key, resolution);
    return resolution;
  }

  async function lookupAsync(url: unknown, call: CallOptions): Promise<Resolution> {
    const key = memoKey(url, call);
    const known = key === undefined ? undefined : memo.get(key);
    if (known) {
      if (known.kind === "file") counters.hits++;
      return known;
    }
    const resolution = await resolveAsync(url, call.from);
    if (key !== undefined) memo.set(key, resolution);
    return resolution;
  }

  /** The hash a resolution gives, after the missing policy (which may throw). */
  function hashOf(url: unknown, call: CallOptions, resolution: Resolution): string | undefined {
    if (resolution.kind === "file") return resolution.entry.hash;
    if (resolution.kind === "skip") counters.skipped++;
    else onMissing(url as string, resolution.error, call.missing ?? opts.missing);
    return undefined;
  }

  /** The busted URL a resolution gives, after the missing policy (which may throw). */
  function urlOf(url: unknown, call: CallOptions, resolution: Resolution): string {
    if (resolution.kind !== "file") {
      hashOf(url, call, resolution);
      return url as string;
    }
    const { target: t, entry } = resolution;
    return renderTarget(t, entry, call.param ?? opts.param);
  }

  /** The file a resolution names, as `lookup` returns it (after the missing policy). */
  function fileOf(url: unknown, call: CallOptions, resolution: Resolution): BustedFile | undefined {
    if (resolution.kind !== "file") return void hashOf(url, call, resolution);
    const { entry } = resolution;
    const { urlPath, file } = entry.candidate;
    const fingerprinted = renameLastSegment(urlPath, (name) => fingerprintName(name, entry.hash));
    return {
      urlPath,
      file,
      hash: entry.hash,
      busted: mode === "query" ? `${encodePath(urlPath)}?${setQueryParam(undefined, opts.param, entry.hash)}` : encodePath(fingerprinted),
      fingerprinted,
      ...(entry.content ? { content: entry.content } : {}),
      size: entry.identity.size,
      mtimeMs: entry.identity.mtimeMs,
    };
  }

  function integrity(url: string, integrityAlgorithm = "sha384", from?: string | CallOptions): string | undefined {
    if (!SRI_ALGORITHMS.includes(integrityAlgorithm)) {
      throw new CacheBustError("BAD_ARGUMENT", `cache-id: integrity algorithm must be one of ${SRI_ALGORITHMS.join(", ")}, got ${JSON.stringify(integrityAlgorithm)}`, { url });
    }
    const call = callOptions(from);
    // A second read might see a newer file than the one hashed: retry until both agree.
    for (let attempt = 0; attempt < 5; attempt++) {
      const resolution = resolveSync(url, call.from);
      if (resolution.kind !== "file") return hashOf(url, call, resolution);
      const { entry } = resolution;
      const known = entry.integrity.get(integrityAlgorithm);
      if (known) return known;
      let digest: Buffer;
      if (entry.content) {
        digest = digestBytes([integrityAlgorithm], entry.content)[integrityAlgorithm] as Buffer;
      } else {
        const read = readFileSync(entry.candidate.file, url, [algorithm, integrityAlgorithm], false);
        if (toHex(read.digests[algorithm] as Buffer, length) !== entry.rawHash || !sameIdentity(entry.identity, read.identity)) {
          entries.delete(entry.key);
          continue;
        }
        digest = read.digests[integrityAlgorithm] as Buffer;
      }
      const value = `${integrityAlgorithm}-${digest.toString("base64")}`;
      entry.integrity.set(integrityAlgorithm, value);
      return value;
    }
    throw new CacheBustError("NOT_A_FILE", `cache-id: URL ${showUrl(url)} kept changing while its integrity was computed`, { url });
  }

  function list(): BustedFile[] {
    const out: BustedFile[] = [];
    for (const [urlPath, key] of [...byUrlPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const entry = entries.get(key);
      if (!entry) continue;
      const fingerprinted = renameLastSegment(urlPath, (name) => fingerprintName(name, entry.hash));
      out.push({
        urlPath,
        file: entry.candidate.file,
        hash: entry.hash,
        busted: mode === "query" ? `${encodePath(urlPath)}?${setQueryParam(undefined, opts.param, entry.hash)}` : encodePath(fingerprinted),
        fingerprinted,
        ...(entry.content ? { content: entry.content } : {}),
      });
    }
    return out;
  }

  const buster: CacheBuster & { [CACHE_BUSTER]: true } = {
    [CACHE_BUSTER]: true,
    options: opts,
    url(url, from) {
      if (from === undefined && once && typeof url === "string") {
        const known = rendered.get(url);
        if (known !== undefined) {
          counters.hits++;
          return known;
        }
      }
      const call = callOptions(from);
      const resolution = lookupSync(url, call);
      const busted = urlOf(url, call, resolution);
      if (from === undefined && once && resolution.kind === "file" && isRootRelative(url as string)) rendered.set(url as string, busted);
      return busted;
    },
    async urlAsync(url, from) {
      const call = callOptions(from);
      return urlOf(url, call, await lookupAsync(url, call));
    },
    hash(url, from) {
      const call = callOptions(from);
      return hashOf(url, call, lookupSync(url, call));
    },
    async hashAsync(url, from) {
      const call = callOptions(from);
      return hashOf(url, call, await lookupAsync(url, call));
    },
    lookup(url, from) {
      const call = callOptions(from);
      return fileOf(url, call, lookupSync(url, call));
    },
    async lookupAsync(url, from) {
      const call = callOptions(from);
      return fileOf(url, call, await lookupAsync(url, call));
    },
    integrity,
    manifest() {
      const out: Record<string, string> = {};
      for (const file of list()) out[file.urlPath] = file.hash;
      return out;
    },
    entries: list,
    stats: () => ({ ...counters }),
    refresh() {
      generation++;
      memo.clear();
      rendered.clear();
      warned.clear();
    },
    clear() {
      generation++;
      targets.clear();
      entries.clear();
      byUrlPath.clear();
      inflight.clear();
      memo.clear();
      rendered.clear();
      warned.clear();
    },
    async emit(outDir: string) {
      if (mode !== "path") {
        throw new CacheBustError("BAD_ARGUMENT", `cache-id: emit() writes fingerprinted file names, which needs mode: "path"`);
      }
      return emitFiles(list(), outDir, opts, (file) => opts.onWarning(file));
    },
  };
  return buster;
}

/** Whether `value` is a CacheBuster, also one made by another copy of this package. */
export function isCacheBuster(value: unknown): value is CacheBuster {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[CACHE_BUSTER] === true;
}
