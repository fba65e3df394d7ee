import { parseArgs } from "node:util";
import type { BustMode } from "../core/types.js";

/** What the command line asks for. */
export interface CliOptions {
  dir: string;
  mode: BustMode;
  param: string | undefined;
  length: number | undefined;
  algorithm: string | undefined;
  manifest: string | undefined;
  /** URL path the site is served under, ending in `/` (default `/`). */
  base: string;
  /** `https://example.com` when `--base` was a full URL: absolute URLs there are local too. */
  origin: string | undefined;
  dryRun: boolean;
  strict: boolean;
  json: boolean;
  /** `true`/`false` when asked for, `undefined`: only when stderr is a terminal. */
  progress: boolean | undefined;
  verbose: boolean;
  /** `--js rewrite|importmap`: how JavaScript modules' imports are busted (default: not at all). */
  js: "rewrite" | "importmap" | undefined;
}

/** A command line that cannot be run: shown with the usage, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export const USAGE = `Usage: cache-id <dir> [options]

Busts the local asset URLs of a finished static site in place: src, srcset, poster,
<link> stylesheets/icons/preloads, inline style url() and <style> in every HTML file,
and url()/@import/image-set() in every CSS file. Page links are left alone.

Options:
  --mode query|path    query: /a.css?v=<hash> (default); path: /a.<hash>.css, writing
                       fingerprinted copies next to the originals (which are kept)
  --manifest <file>    write { "/a.css": { "url": ..., "hash": ... } } to <file>
  --base <url|path>    where the site is served: a path such as /repo/ (a GitHub
                       Pages project site), or a full URL such as
                       https://example.com/ so that absolute URLs to the site
                       (Hugo's absURL) are busted too (default /); URLs outside
                       it are left alone
  --dry-run            change nothing; report what would change
  --strict             exit 1 without writing anything if a reference is missing
  --js rewrite|importmap   bust JavaScript modules' imports: rewrite them in place,
                       or give each page an import map (modules left as they are)
  --param <name>       query key in query mode (default v)
  --length <n>         hex characters of the hash kept (default 10)
  --algorithm <name>   hash algorithm node:crypto knows (default sha256)
  --json               print the summary as JSON
  --verbose            list every file changed
  --progress           show progress on stderr (default: when stderr is a terminal)
  --no-progress        never show progress
  -h, --help           show this help
  --version            show the version

Exit codes: 0 done (missing references are listed, not fatal), 1 --strict found
some or a file could not be read or written, 2 bad command line, 130/143 interrupted.
`;

/**
 * Reads the command line (without `node` and the script). Returns `"help"` or `"version"`
 * when asked; throws {@link UsageError} for anything it cannot run.
 *
 * @example
 * parseCli(["dist", "--mode", "path"]).mode // "path"
 */
export function parseCli(argv: string[]): CliOptions | "help" | "version" {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const { values, positionals } = parsed;
  if (values.help) return "help";
  if (values.version) return "version";
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "missing the site directory"
        : `expected one site directory, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  }
  const mode = values.mode ?? "query";
  if (mode !== "query" && mode !== "path")
    throw new UsageError(`--mode must be query or path, got ${JSON.stringify(mode)}`);
  let length: number | undefined;
  if (values.length !== undefined) {
    length = Number(values.length);
    if (!/^\d+$/.test(values.length) || length < 1)
      throw new UsageError(`--length must be a whole number >= 1, got ${JSON.stringify(values.length)}`);
  }
  const { base, origin } = parseBase(values.base ?? "/");
  if (values.progress && values["no-progress"]) throw new UsageError("give --progress or --no-progress, not both");
  if (values.js !== undefined && values.js !== "rewrite" && values.js !== "importmap")
    throw new UsageError(`--js must be rewrite or importmap, got ${JSON.stringify(values.js)}`);
  return {
    dir: positionals[0] as string,
    mode,
    param: values.param,
    length,
    algorithm: values.algorithm,
    manifest: values.manifest,
    base,
    origin,
    dryRun: values["dry-run"] ?? false,
    strict: values.strict ?? false,
    json: values.json ?? false,
    progress: values.progress ? true : values["no-progress"] ? false : undefined,
    verbose: values.verbose ?? false,
    js: values.js as CliOptions["js"],
  };
}

/**
 * Reads `--base`: a URL path (`/repo`), or a full http(s) URL whose origin then counts as
 * the site's own (`https://example.com/repo/`).
 *
 * @example
 * parseBase("https://example.com/repo") // { base: "/repo/", origin: "https://example.com" }
 */
export function parseBase(value: string): { base: string; origin: string | undefined } {
  let origin: string | undefined;
  let path = value;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`--base is not a valid URL: ${JSON.stringify(value)}`);
    }
    if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search || url.hash || url.username) {
      throw new UsageError(
        `--base must be an http(s) URL without query or fragment, such as https://example.com/, got ${JSON.stringify(value)}`,
      );
    }
    origin = url.origin;
    path = url.pathname;
  }
  if (
    !path.startsWith("/") ||
    path.startsWith("//") ||
    /[?#\\]/.test(path) ||
    path.split("/").some((s) => s === "." || s === "..")
  ) {
    throw new UsageError(
      `--base must be a URL path such as /repo/ or a URL such as https://example.com/, got ${JSON.stringify(value)}`,
    );
  }
  return { base: path.endsWith("/") ? path : `${path}/`, origin };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      mode: { type: "string" },
      manifest: { type: "string" },
      base: { type: "string" },
      "dry-run": { type: "boolean" },
      strict: { type: "boolean" },
      js: { type: "string" },
      param: { type: "string" },
      length: { type: "string" },
      algorithm: { type: "string" },
      json: { type: "boolean" },
      verbose: { type: "boolean" },
      progress: { type: "boolean" },
      "no-progress": { type: "boolean" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean" },
    },
  });
}
