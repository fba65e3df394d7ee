import { CacheBustError } from "../index.js";

/** What to answer for a URL whose hash is not the hash of any bytes the handler has. */
export type MismatchPolicy = "no-store" | "redirect";

/** Options of {@link serveAssets}. */
export interface ServeOptions {
  /** `Cache-Control` of a URL whose hash matches the bytes sent (default: one year, immutable). */
  immutable?: string;
  /** `Cache-Control` of a URL without a hash (default `"no-cache"`: revalidate with the ETag). */
  revalidate?: string;
  /**
   * A URL whose hash matches nothing the handler can send: `"no-store"` (default) sends the
   * current bytes with `Cache-Control: no-store`; `"redirect"` answers `307` to the current URL.
   */
  mismatch?: MismatchPolicy;
  /** Serve files and directories whose name starts with a dot (default `false`: 404). */
  dotfiles?: boolean;
  /** Precompressed siblings to offer (`file.br`, `file.gz`), best first; `false` for none. */
  precompressed?: false | Array<"br" | "gzip">;
  /**
   * Earlier versions of small files kept in memory, so that a URL with an older hash still gets
   * its own bytes after a file changes: at most `maxBytes` in all, `maxFileBytes` per file;
   * `false` keeps none.
   */
  versions?: false | { maxBytes?: number; maxFileBytes?: number };
  /**
   * URL prefixes to serve, each a whole-segment prefix such as `"/static/"` (default: every
   * root of the buster). A buster given only `roots` still maps `/` to the working directory
   * for busting; leave `"/"` out here so that the handler does not serve it.
   */
  prefixes?: string[];
  /** Receives errors that are not the client's fault (an unreadable file, say). */
  onError?: (error: unknown) => void;
}

/** {@link ServeOptions} with every default filled in. */
export interface ResolvedServeOptions {
  immutable: string;
  revalidate: string;
  mismatch: MismatchPolicy;
  dotfiles: boolean;
  precompressed: Array<"br" | "gzip">;
  versions: { maxBytes: number; maxFileBytes: number } | undefined;
  prefixes: string[] | undefined;
  onError: (error: unknown) => void;
}

const KNOWN = new Set([
  "immutable",
  "revalidate",
  "mismatch",
  "dotfiles",
  "precompressed",
  "versions",
  "prefixes",
  "onError",
]);

function bad(message: string): CacheBustError {
  return new CacheBustError("BAD_ARGUMENT", `cache-id/serve: ${message}`);
}

function headerValue(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || value === "" || /[\r\n]/.test(value))
    throw bad(`option "${name}" must be a one-line header value`);
  return value;
}

/** Checks the options of `serveAssets` and fills in the defaults. */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  if (typeof options !== "object" || options === null) throw bad("options must be an object");
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw bad(`unknown option "${key}"`);
  const mismatch = options.mismatch ?? "no-store";
  if (mismatch !== "no-store" && mismatch !== "redirect")
    throw bad(`option "mismatch" must be "no-store" or "redirect"`);
  const precompressed = options.precompressed === false ? [] : (options.precompressed ?? ["br", "gzip"]);
  if (!Array.isArray(precompressed) || precompressed.some((e) => e !== "br" && e !== "gzip")) {
    throw bad(`option "precompressed" must be false or a list of "br" and "gzip"`);
  }
  const v = options.versions;
  if (v !== undefined && v !== false && (typeof v !== "object" || v === null))
    throw bad(`option "versions" must be false or an object`);
  const versions =
    v === false
      ? undefined
      : { maxBytes: v?.maxBytes ?? 16 * 1024 * 1024, maxFileBytes: v?.maxFileBytes ?? 256 * 1024 };
  if (versions && !(versions.maxBytes >= 0 && versions.maxFileBytes >= 0))
    throw bad(`option "versions" sizes must be numbers >= 0`);
  const prefixes = options.prefixes;
  if (
    prefixes !== undefined &&
    (!Array.isArray(prefixes) || prefixes.some((p) => typeof p !== "string" || !p.startsWith("/")))
  ) {
    throw bad(`option "prefixes" must be a list of URL paths starting with "/"`);
  }
  return {
    prefixes: prefixes?.map((p) => (p.endsWith("/") ? p : `${p}/`)),
    immutable: headerValue("immutable", options.immutable, "public, max-age=31536000, immutable"),
    revalidate: headerValue("revalidate", options.revalidate, "no-cache"),
    mismatch,
    dotfiles: options.dotfiles === true,
    precompressed,
    versions,
    onError: options.onError ?? (() => {}),
  };
}
