import type { CacheBustError } from "./errors.js";

/** How a fingerprint is put into a URL. */
export type BustMode = "query" | "path";

/** What to do with a URL whose file does not exist. */
export type MissingPolicy = "error" | "warn" | "ignore";

/** When a cached hash is checked against its file. */
export type ValidateMode = "always" | "once" | "watch";

/** Settings of `validate: "watch"`. */
export interface WatchOptions {
  /**
   * A clean file is checked with `stat` again once this many ms have passed since its last
   * check: the bound on staleness where file-system events are lost (default 1000).
   */
  recheckMs?: number;
  /** Most directories watched at once (default 8192); files elsewhere rely on `recheckMs`. */
  maxDirectories?: number;
}

/** Options of {@link createCacheBuster}. */
export interface CacheBustOptions {
  /** Directory that URL path `/` maps to (default: the working directory). */
  root?: string;
  /** URL-path prefix (whole segments) to directory; the longest matching prefix is searched. */
  roots?: Record<string, string>;
  /** `"query"`: `/a.jpg?v=<hash>`; `"path"`: `/a.<hash>.jpg`. */
  mode?: BustMode;
  /** Query key used in `"query"` mode (default `"v"`). */
  param?: string;
  /** Any hash algorithm `node:crypto` knows (default `"sha256"`). */
  algorithm?: string;
  /** Number of lowercase hex characters of the digest kept (default 10). */
  length?: number;
  /** A URL whose file does not exist: throw, warn once per URL, or leave it alone. */
  missing?: MissingPolicy;
  /** A hash read within this many ms of the file's mtime/ctime is not reused (default 3000). */
  trustAfterMs?: number;
  /**
   * `"always"`: every call checks the file; `"once"`: once per file until `refresh()`;
   * `"watch"`: a hit makes no system call, file-system events and a periodic re-check see changes.
   */
  validate?: ValidateMode;
  /** Settings of `validate: "watch"`. */
  watch?: WatchOptions;
  /** Receives each `missing: "warn"` warning (default: `console.warn` of its message). */
  onWarning?: (error: CacheBustError) => void;
  /** Rewriters of file contents (such as `cache-id/css`): their output is what gets hashed. */
  transformers?: ContentTransformer[];
  /**
   * Whether a file reached through a link inside a root, whose real path is outside it, may be
   * copied (`emit()`) or served, not only hashed (default `false`).
   */
  allowLinksOutside?: boolean;
}

/** Options as the buster uses them: every default filled in, every path absolute. */
export interface ResolvedOptions {
  /** URL prefix (always ending in `/`) to absolute directory, longest prefix first. */
  roots: Array<{ prefix: string; dir: string }>;
  mode: BustMode;
  param: string;
  algorithm: string;
  length: number;
  missing: MissingPolicy;
  trustAfterMs: number;
  validate: ValidateMode;
  watch: Required<WatchOptions>;
  onWarning: (error: CacheBustError) => void;
  transformers: ContentTransformer[];
  allowLinksOutside: boolean;
}

/** Per-call overrides, for integrations that know more than the options do. */
export interface CallOptions {
  /**
   * The page URL relative URLs resolve against (like a browser's base URL), or a function that
   * returns it, called only for a URL that needs it (adapters pass one, so that looking the
   * page up in a template context costs nothing for root-relative URLs).
   */
  from?: string | (() => string | undefined);
  /** Overrides the buster's `missing` policy for this call. */
  missing?: MissingPolicy;
  /** Overrides the buster's `param` for this call (query mode). */
  param?: string;
}

/** A hook that rewrites a file's contents before it is hashed and served (e.g. CSS `url()`s). */
export interface ContentTransformer {
  /** A short name for error messages, e.g. `"css"`. */
  name: string;
  /** Whether this transformer rewrites the file at `urlPath` (e.g. it ends in `.css`). */
  test(urlPath: string, file: string): boolean;
  /**
   * Rewrites the file's text. Every reference it busts must go through `ctx.bust`, which
   * records the dependency so that the cached result is invalidated when that file changes.
   * Returns the new text, or `undefined` when nothing changed.
   *
   * Must be a pure function of `source` and `ctx`'s answers: under the async methods it runs
   * twice, first with a `bust` that returns every reference unchanged (to learn which
   * references to resolve without blocking), then with the resolved answers. A reference the
   * second run asks for that the first did not is left as written.
   */
  transform(source: string, ctx: TransformContext): string | undefined;
}

/** What a {@link ContentTransformer} gets besides the text. */
export interface TransformContext {
  /** Resolved URL path of the file being rewritten, e.g. `/css/site.css`. */
  urlPath: string;
  /** Absolute path of the file being rewritten. */
  file: string;
  /**
   * Busts a reference found in the file, resolved against the file's own URL. Returns the
   * reference unchanged when it is left alone (external, `data:`...) or missing under the
   * buster's policy; throws a `CacheBustError` otherwise.
   */
  bust(ref: string, options?: { missing?: MissingPolicy }): string;
}

/** Counters of a {@link CacheBuster}. */
export interface CacheBustStats {
  /** Calls answered from the cache. */
  hits: number;
  /** Files read and hashed. */
  hashed: number;
  /** Bytes read for hashing. */
  bytesHashed: number;
  /** `stat` calls made to validate cached hashes. */
  stats: number;
  /** URLs left alone because they are external, fragment-only and the like. */
  skipped: number;
  /** URLs whose file was missing under `warn`/`ignore`. */
  missing: number;
}

/** One file the buster has hashed, as `entries()` lists it. */
export interface BustedFile {
  /** Resolved URL path, e.g. `/img/car.jpg`. */
  urlPath: string;
  /** Absolute path of the source file. */
  file: string;
  /** The hash. */
  hash: string;
  /** The URL path with the fingerprint, e.g. `/img/car.jpg?v=<hash>` or `/img/car.<hash>.jpg`. */
  busted: string;
  /** The fingerprinted file name's URL path in `"path"` mode, e.g. `/img/car.<hash>.jpg`. */
  fingerprinted: string;
  /** Number of bytes served: of the rewritten bytes when a transformer changed the file. */
  size: number;
  /** The source file's mtime when it was hashed. */
  mtimeMs: number;
  /** The rewritten bytes, when a transformer changed the file. */
  content?: Buffer;
}

/** Busts URLs: see {@link createCacheBuster}. */
export interface CacheBuster {
  /** The options in force, defaults filled in. */
  readonly options: Readonly<ResolvedOptions>;
  /** The busted URL: `/img/car.jpg` -> `/img/car.jpg?v=<hash>`. */
  url(url: string, from?: string | CallOptions): string;
  /** Same as `url`, without blocking the event loop on reads. */
  urlAsync(url: string, from?: string | CallOptions): Promise<string>;
  /** The hash alone; `undefined` for a URL left alone or missing under `warn`/`ignore`. */
  hash(url: string, from?: string | CallOptions): string | undefined;
  /** Same as `hash`, without blocking the event loop on reads. */
  hashAsync(url: string, from?: string | CallOptions): Promise<string | undefined>;
  /**
   * The file a URL resolves to, with its current hash and (when rewritten) its bytes; in
   * `"path"` mode a fingerprinted URL names its plain file. `undefined` where `hash` would be;
   * throws like `hash`.
   */
  lookup(url: string, from?: string | CallOptions): BustedFile | undefined;
  /** Same as `lookup`, without blocking the event loop on reads. */
  lookupAsync(url: string, from?: string | CallOptions): Promise<BustedFile | undefined>;
  /** A Subresource Integrity value such as `sha384-<base64>`. */
  integrity(url: string, algorithm?: string, from?: string | CallOptions): string | undefined;
  /** `{ "/img/car.jpg": "<hash>" }` for every file hashed so far. */
  manifest(): Record<string, string>;
  /** Every file hashed so far, with its busted URL and rewritten bytes. */
  entries(): BustedFile[];
  /** Counters: hits, files hashed, bytes hashed... */
  stats(): CacheBustStats;
  /** Start of a new build: every file is checked again on its next use. */
  refresh(): void;
  /** Forget everything cached. */
  clear(): void;
  /**
   * In `"path"` mode, write a fingerprinted copy of every hashed file into `outDir`; returns the
   * path of every copy (written now, or already there with the right bytes).
   */
  emit(outDir: string): Promise<string[]>;
  /** Releases what the buster holds open (the watcher of `validate: "watch"`); a no-op otherwise. */
  close(): void;
}
