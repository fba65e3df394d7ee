import { resolve } from "node:path";
import * as fs from "node:fs";
import {
  CacheBustError,
  createCacheBuster,
  isCacheBustError,
  type CacheBuster,
  type MissingPolicy,
} from "../src/index.js";
import { cssTransformer } from "../src/css/index.js";
import { pageOf, splitArguments, type PageInfo } from "./eleventy/context.js";
import { provideHandlebarsHelpers } from "./eleventy/handlebars.js";
import { autoBustTransform } from "./eleventy/auto.js";
import { layeredLookup, type LayeredLookup } from "./eleventy/lookup.js";
import { readSettings, type EleventyPluginOptions } from "./eleventy/options.js";
import { sourceLayers, type PassthroughEntry } from "./eleventy/roots.js";
import { pageUrlSet } from "./eleventy/pages.js";
import { cssProblemReporter } from "./eleventy/problems.js";
import { writeBuildOutput } from "./eleventy/output.js";
import { rewrittenFilesMiddleware } from "./eleventy/serve.js";

export type { EleventyPluginOptions } from "./eleventy/options.js";

/** The parts of Eleventy's config API the plugin uses (Eleventy itself is never imported). */
export interface EleventyConfigLike {
  addFilter(name: string, filter: (...args: any[]) => unknown): unknown;
  on(event: string, listener: (arg: any) => unknown): unknown;
  versionCheck?(range: string): void;
  directories?: { input?: string; output?: string };
  passthroughCopies?: Record<string, PassthroughEntry | undefined>;
  pathPrefix?: string;
  extensionMap?: unknown;
  setServerOptions?(options: { middleware?: unknown[] }): void;
  addTransform?(name: string, callback: (this: any, content: unknown, outputPath?: unknown) => unknown): unknown;
  htmlTransformer?: {
    addUrlTransform(extensions: string, callback: (this: any, url: string, context?: unknown) => string, options?: { priority?: number; name?: string }): void;
  };
}

type RunMode = "build" | "watch" | "serve";

/** Eleventy's `pathPrefix` as `/` or `/docs/`. */
function normalPrefix(prefix: unknown): string {
  if (typeof prefix !== "string") return "/";
  const inner = prefix.split("/").filter((s) => s !== "").join("/");
  return inner === "" ? "/" : `/${inner}/`;
}

/** Names the template in an error, keeping its `code` (Eleventy shows the innermost message). */
function inTemplate(error: unknown, page: PageInfo): unknown {
  if (!isCacheBustError(error) || page.inputPath === undefined) return error;
  return new CacheBustError(error.code, `${error.message} (in template ${page.inputPath})`, { url: error.url, file: error.file, cause: error });
}

/**
 * The Eleventy plugin: `eleventyConfig.addPlugin(cacheBust, options?)` registers the
 * `cache_bust` and `integrity` filters for Nunjucks, Liquid, 11ty.js and Handlebars. With no
 * `root`/`roots`, a URL is looked up through the passthrough-copy mappings and the input
 * directory, then the output directory. The second argument is options or a CacheBuster to share.
 *
 * @example
 * import cacheBust from "cache-id/eleventy";
 * export default function (eleventyConfig) {
 *   eleventyConfig.addPassthroughCopy("css");
 *   eleventyConfig.addPlugin(cacheBust, { auto: true });
 * }
 * // template: <link rel="stylesheet" href="{{ '/css/site.css' | cache_bust }}">
 */
export default function cacheBust(eleventyConfig: EleventyConfigLike, options?: EleventyPluginOptions | CacheBuster): void {
  if (typeof eleventyConfig?.addFilter !== "function" || typeof eleventyConfig.on !== "function") {
    throw new CacheBustError("BAD_ARGUMENT", "cache-id/eleventy: use it as a plugin: eleventyConfig.addPlugin(cacheBust, options)");
  }
  eleventyConfig.versionCheck?.(">=3.0.0");
  const settings = readSettings(options);
  let runMode: RunMode = "build";
  const missing = (): MissingPolicy | undefined => settings.missing ?? (settings.shared ? undefined : runMode === "build" ? "error" : "warn");

  // A stylesheet reference that cannot be busted follows the same policy as a template's.
  const cssProblems = cssProblemReporter(() => missing() ?? "error", settings.core.onWarning);
  // Stylesheets' own references are busted too, unless `transformers` says otherwise.
  if (!settings.shared && settings.core.transformers === undefined) settings.core.transformers = [cssTransformer({ onMissing: cssProblems.report })];

  // Made now, so that bad options fail when the config loads rather than at the first render
  // (without root/roots it only checks them: the real busters need the final passthrough copies).
  const configured = settings.shared ?? createCacheBuster(settings.explicitRoots ? settings.core : { ...settings.core, root: "." });
  let lookup: LayeredLookup | undefined;
  let pages = new Set<string>();
  /** Rewritten stylesheets of the last build (query mode), for the dev server. */
  let rewritten = new Map<string, Buffer>();

  const dirs = () => {
    const d = eleventyConfig.directories ?? {};
    return { input: resolve(d.input ?? "."), output: resolve(d.output ?? "_site") };
  };

  /** The busters, made at the first build, when every passthrough copy has been added. */
  function current(): LayeredLookup {
    if (lookup) return lookup;
    const prefix = normalPrefix(eleventyConfig.pathPrefix);
    if (settings.shared || settings.explicitRoots) return (lookup = layeredLookup([configured], prefix));
    const { input, output } = dirs();
    const isDirectory = (path: string) => fs.statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
    const layers = sourceLayers({ input, cwd: process.cwd(), passthroughCopies: eleventyConfig.passthroughCopies ?? {}, isDirectory });
    const busters = layers.map((roots) => createCacheBuster({ ...settings.core, roots }));
    busters.push(createCacheBuster({ ...settings.core, root: output }));
    return (lookup = layeredLookup(busters, prefix));
  }

  /** Extra arguments (a Nunjucks keyword, a Liquid `key: value`) are refused, not ignored. */
  function checkArity(args: unknown[], max: number, name: string): void {
    if (args.length > max) {
      throw new CacheBustError("BAD_ARGUMENT", `cache-id/eleventy: ${name} takes ${max === 1 ? "only the URL" : "the URL and an algorithm"}, got ${args.length} arguments`);
    }
  }

  function urlFilter(this: unknown, url: unknown): string {
    // The common call, `{{ "/a.css" | cache_bust }}` again in another page: no page to look
    // up and no arguments to check (`arguments`, not a rest parameter, which allocates).
    if (arguments.length === 1 && typeof url === "string") {
      const known = lookup?.known(url);
      if (known !== undefined) return known;
    }
    const { args, handlebars } = splitArguments(Array.prototype.slice.call(arguments));
    const page = pageOf(this, handlebars);
    try {
      checkArity(args, 1, settings.filterName);
      return current().url(args[0], page.url, missing());
    } catch (error) {
      throw inTemplate(error, page);
    }
  }

  function integrityFilter(this: unknown, ...raw: unknown[]): string | undefined {
    const { args, handlebars } = splitArguments(raw);
    const page = pageOf(this, handlebars);
    const algorithm = args[1] === undefined || args[1] === null ? undefined : (args[1] as string);
    try {
      checkArity(args, 2, "integrity");
      return current().integrity(args[0], algorithm, page.url, missing());
    } catch (error) {
      throw inTemplate(error, page);
    }
  }

  const helpers = { [settings.filterName]: urlFilter, integrity: integrityFilter };
  eleventyConfig.addFilter(settings.filterName, urlFilter);
  eleventyConfig.addFilter("integrity", integrityFilter);
  // Handlebars added before this plugin has already copied the filter list.
  provideHandlebarsHelpers(eleventyConfig.extensionMap, helpers);

  eleventyConfig.on("eleventy.before", (event: { runMode?: RunMode } | undefined) => {
    runMode = event?.runMode ?? "build";
    cssProblems.reset();
    provideHandlebarsHelpers(eleventyConfig.extensionMap, helpers);
    current().refresh();
  });

  eleventyConfig.on("eleventy.after", async (event: { outputMode?: string } | undefined) => {
    // `toJSON()`/`--to=json` write nothing, so neither does the plugin.
    if (event?.outputMode !== undefined && event.outputMode !== "fs") return;
    const done = current();
    const entries = done.entries();
    await writeBuildOutput(done, entries, dirs().output, settings.manifestFile);
    // Path mode writes rewritten stylesheets under their fingerprinted names, which no alias shadows.
    const queryMode = done.busters[0]?.options.mode === "query";
    rewritten = new Map(queryMode ? entries.flatMap((e) => (e.content ? [[e.urlPath, e.content] as const] : [])) : []);
  });
  // Added to the user's middleware (Eleventy concatenates the lists).
  eleventyConfig.setServerOptions?.({ middleware: [rewrittenFilesMiddleware(() => rewritten, () => normalPrefix(eleventyConfig.pathPrefix))] });

  if (settings.auto) {
    if (!eleventyConfig.htmlTransformer) {
      throw new CacheBustError("BAD_ARGUMENT", "cache-id/eleventy: option \"auto\" needs Eleventy's htmlTransformer (Eleventy 3)");
    }
    eleventyConfig.on("eleventy.contentMap", (map: { urlToInputPath?: Record<string, unknown> } | undefined) => {
      pages = pageUrlSet(Object.keys(map?.urlToInputPath ?? {}));
    });
    // A transform over the whole page (the HTML reader the CLI uses), after Eleventy's own
    // URL transforms: a URL HtmlBasePlugin prefixed is looked up without the prefix.
    eleventyConfig.addTransform?.(
      "cache-id-auto",
      autoBustTransform({ lookup: current, pages: () => pages, pathPrefix: () => normalPrefix(eleventyConfig.pathPrefix) }),
    );
  }
}

/** For `require("cache-id/eleventy")`: Eleventy also accepts a plugin object with `configFunction`. */
export const configFunction = cacheBust;
