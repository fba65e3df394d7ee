import {
  CacheBustError,
  isCacheBuster,
  type CacheBuster,
  type CacheBustOptions,
  type MissingPolicy,
} from "../../src/index.js";

/** Options of the Eleventy plugin: the core's, plus the plugin's own. */
export interface EleventyPluginOptions extends CacheBustOptions {
  /** Name of the URL filter (default `"cache_bust"`); the SRI filter is always `integrity`. */
  filterName?: string;
  /** Also bust every local asset URL in HTML output (`src`, `href`, `srcset`, `poster`...). */
  auto?: boolean;
  /** A path in the output directory where the manifest is written as JSON after each build. */
  manifestFile?: string;
  /** Bust JavaScript modules' imports: `true`/`"rewrite"` rewrites them, `"importmap"` adds an import map to each page. */
  js?: boolean | "rewrite" | "importmap";
}

/** The plugin's settings, checked. */
export interface PluginSettings {
  /** A CacheBuster handed in to share; used as it is (its roots and `missing`). */
  shared: CacheBuster | undefined;
  /** Options for the busters the plugin makes, `validate: "once"` unless given. */
  core: CacheBustOptions;
  /** Whether `root`/`roots` were given: then only they are searched. */
  explicitRoots: boolean;
  /** `missing` as given; otherwise it follows the run mode. */
  missing: MissingPolicy | undefined;
  filterName: string;
  auto: boolean;
  manifestFile: string | undefined;
  js: EleventyPluginOptions["js"];
}

/** A relative path that stays inside the output directory: no `..`, not absolute (`/x`, `C:\\x`), not empty. */
function isOutputPath(value: unknown): value is string {
  if (typeof value !== "string" || value === "" || value.includes("\0")) return false;
  if (/^([\\/]|[A-Za-z]:)/.test(value)) return false;
  const segments = value.split(/[\\/]/);
  return !segments.includes("..") && segments[segments.length - 1] !== "" && !segments.some((s) => s.startsWith("."));
}

function bad(message: string): CacheBustError {
  return new CacheBustError("BAD_ARGUMENT", `cache-id/eleventy: ${message}`);
}

/**
 * Checks the plugin's second argument: options, or an existing CacheBuster to share.
 * The core checks its own options when the busters are made.
 *
 * @example
 * readSettings({ auto: true }) // { auto: true, filterName: "cache_bust", core: { validate: "once" }, ... }
 */
export function readSettings(input: EleventyPluginOptions | CacheBuster | undefined): PluginSettings {
  if (isCacheBuster(input)) {
    return {
      shared: input,
      core: {},
      explicitRoots: true,
      missing: undefined,
      filterName: "cache_bust",
      auto: false,
      manifestFile: undefined,
      js: undefined,
    };
  }
  if (input !== undefined && (input === null || typeof input !== "object" || Array.isArray(input))) {
    throw bad(`expected options or a CacheBuster, got ${String(input)}`);
  }
  const { filterName = "cache_bust", auto = false, manifestFile, js, ...core } = input ?? {};
  if (typeof filterName !== "string" || !/^[A-Za-z_][\w-]*$/.test(filterName) || filterName === "integrity") {
    throw bad(
      `option "filterName" must be a name such as "cache_bust" (letters, digits, _ or -, not "integrity"), got ${JSON.stringify(filterName)}`,
    );
  }
  if (typeof auto !== "boolean") throw bad(`option "auto" must be true or false, got ${JSON.stringify(auto)}`);
  if (manifestFile !== undefined && !isOutputPath(manifestFile)) {
    throw bad(
      `option "manifestFile" must be a relative file path inside the output directory, such as "cache-id.json", got ${JSON.stringify(manifestFile)}`,
    );
  }
  return {
    shared: undefined,
    core: { validate: "once", ...core },
    explicitRoots: core.root !== undefined || core.roots !== undefined,
    missing: core.missing,
    filterName,
    auto,
    manifestFile,
    js,
  };
}
