import { resolve } from "node:path";
import * as fs from "node:fs";
import {
  CacheBustError,
  createCacheBuster,
  type CacheBuster,
  type MissingPolicy,
  type ResolvedOptions,
} from "../src/index.js";
import { cssTransformer } from "../src/css/index.js";
import { jsSupport, type JsSupport } from "../src/js/plugin.js";
import { provideHandlebarsHelpers } from "./eleventy/handlebars.js";
import type { TransformThis } from "./eleventy/auto.js";
import { cssBundleTransform, type BundleState, type BundleThis } from "./eleventy/bundle.js";
import { confineTransformers } from "./eleventy/confine.js";
import { plainImageSources } from "./eleventy/images.js";
import { inTemplate, integrityFilter, urlFilter, type FilterState } from "./eleventy/filters.js";
import { layeredLookup, type Layer, type LayeredLookup } from "./eleventy/lookup.js";
import { readSettings, type EleventyPluginOptions, type PluginSettings } from "./eleventy/options.js";
import { hasDotSegment, layerPublishes, sourceLayers, type PassthroughEntry } from "./eleventy/roots.js";
import { pageUrlSet } from "./eleventy/pages.js";
import { cssProblemReporter, follow, pluginError, warnOnce, type WarnOnce } from "./eleventy/problems.js";
import { writeBuildOutput } from "./eleventy/output.js";
import { rewrittenFilesMiddleware } from "./eleventy/serve.js";
import { outputHashes, verifyBuild } from "./eleventy/verify.js";

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
  serverPassthroughCopyBehavior?: string;
  addWatchTarget?(target: string): void;
  setServerOptions?(options: { middleware?: unknown[] }): void;
  addTransform?(name: string, callback: (this: any, content: unknown, outputPath?: unknown) => unknown): unknown;
  javascript?: { functions?: Record<string, unknown> };
  htmlTransformer?: {
    addPosthtmlPlugin?(
      extensions: string,
      plugin: (context: unknown) => (tree: any) => unknown,
      options?: { priority?: number },
    ): void;
    addUrlTransform(
      extensions: string,
      callback: (this: any, url: string, context?: unknown) => string,
      options?: { priority?: number; name?: string },
    ): void;
  };
}

type RunMode = "build" | "watch" | "serve";

/** Eleventy's `pathPrefix` as `/` or `/docs/`. */
function normalPrefix(prefix: unknown): string {
  if (typeof prefix !== "string") return "/";
  const inner = prefix
    .split("/")
    .filter((s) => s !== "")
    .join("/");
  return inner === "" ? "/" : `/${inner}/`;
}

const ADDED = Symbol.for("cache-id.eleventy.added");
/** The plugin's state, kept on the config object that owns it, for {@link bundleTransform}. */
const STATE = Symbol.for("cache-id.eleventy.state");

type OwnedConfig = EleventyConfigLike & { [ADDED]?: string; [STATE]?: BundleState };

/** Adding the plugin twice would leave two sets of filters fighting over one name: refused, naming both calls. */
function claim(eleventyConfig: EleventyConfigLike, options: unknown): void {
  const config = eleventyConfig as OwnedConfig;
  const shown = (o: unknown) =>
    o === undefined
      ? "no options"
      : `options ${JSON.stringify(o, (_, v) => (typeof v === "function" ? "[function]" : v)) ?? String(o)}`;
  if (config[ADDED] !== undefined) {
    throw new CacheBustError(
      "BAD_ARGUMENT",
      `cache-id/eleventy: the plugin was added twice, first with ${config[ADDED]}, then with ${shown(options)}; add it once, with the options you want`,
    );
  }
  config[ADDED] = shown(options);
}

/** The plugin's state across builds, and how its lookup is made. */
function pluginState(eleventyConfig: EleventyConfigLike, settings: PluginSettings, js: JsSupport) {
  let runMode: RunMode = "build";
  const warnings = warnOnce(settings.core.onWarning);
  const missing = (): MissingPolicy | undefined =>
    settings.missing ?? (settings.shared ? undefined : runMode === "build" ? "error" : "warn");
  const cssProblems = cssProblemReporter(() => missing() ?? "error", warnings);
  // Stylesheets' own references are busted too, unless `transformers` says otherwise.
  const transformers = settings.core.transformers ?? [cssTransformer({ onMissing: cssProblems }), ...js.transformers];
  // Made now, so that bad options fail when the config loads rather than at the first render
  // (without root/roots it only checks them: the real busters need the final passthrough copies).
  const configured =
    settings.shared ??
    createCacheBuster(
      settings.explicitRoots ? { ...settings.core, transformers } : { ...settings.core, transformers, root: "." },
    );
  let lookup: LayeredLookup | undefined;
  const dirs = () => {
    const d = eleventyConfig.directories ?? {};
    return { input: resolve(d.input ?? "."), output: resolve(d.output ?? "_site") };
  };
  const state = {
    warnings,
    dirs,
    derived: !settings.shared && !settings.explicitRoots,
    get runMode() {
      return runMode;
    },
    set runMode(mode: RunMode) {
      runMode = mode;
    },
    missing,
    ready: () => lookup,
    /** The lookup, made at the first build, when every passthrough copy has been added. */
    lookup(): LayeredLookup {
      if (lookup) return lookup;
      const prefix = normalPrefix(eleventyConfig.pathPrefix);
      if (!state.derived) return (lookup = layeredLookup([{ buster: configured, serves: () => true }], prefix));
      return (lookup = derivedLookup(eleventyConfig, settings, transformers, dirs(), warnings, missing, prefix));
    },
  };
  return state;
}

/** The lookup over the project's published sources, then the output directory. */
function derivedLookup(
  eleventyConfig: EleventyConfigLike,
  settings: PluginSettings,
  transformers: PluginSettings["core"]["transformers"] & object,
  { input, output }: { input: string; output: string },
  warnings: WarnOnce,
  missing: () => MissingPolicy | undefined,
  prefix: string,
): LayeredLookup {
  const isDirectory = (path: string) => fs.statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  const sources = sourceLayers({
    input,
    output,
    cwd: process.cwd(),
    passthroughCopies: eleventyConfig.passthroughCopies ?? {},
    isDirectory,
  });
  const published = [...sources.flatMap((l) => l.mappings.map((m) => m.dir)), output];
  const confined = confineTransformers(transformers, published, (file, real) =>
    warnings.warn(
      `link:${file}`,
      pluginError(
        "OUTSIDE_ROOT",
        `${file} is a link to ${real}, outside the published directories: it is busted as it is, its own references left alone`,
        { file },
      ),
    ),
  );
  const core = { ...settings.core, transformers: confined };
  const layers: Layer[] = sources.map((layer) => ({
    buster: createCacheBuster({ ...core, roots: layer.roots }),
    serves: (path) => layerPublishes(layer, path),
  }));
  layers.push({ buster: createCacheBuster({ ...core, root: output }), serves: (path) => !hasDotSegment(path) });
  // Dotfiles are never busted, wherever they are: a URL naming one is missing.
  const refuse = (url: string, urlPath: string, policy: MissingPolicy | undefined): string | undefined => {
    if (!hasDotSegment(urlPath)) return undefined;
    const error = pluginError(
      "MISSING_FILE",
      `${JSON.stringify(url)} names a dotfile or dot-directory (${urlPath}), which this plugin never busts or publishes`,
      { url },
    );
    follow(policy ?? missing() ?? "error", warnings, `dot:${urlPath}`, error);
    return url;
  };
  return layeredLookup(layers, prefix, refuse);
}

/**
 * The Eleventy plugin: `eleventyConfig.addPlugin(cacheBust, options?)` registers the
 * `cache_bust` and `integrity` filters for Nunjucks, Liquid, 11ty.js and Handlebars. With no
 * `root`/`roots`, a URL resolves to the file the built site serves there: through the
 * passthrough-copy mappings, then the output directory. The second argument is options or a
 * CacheBuster to share.
 *
 * @example
 * import cacheBust from "cache-id/eleventy";
 * export default function (eleventyConfig) {
 *   eleventyConfig.addPassthroughCopy("css");
 *   eleventyConfig.addPlugin(cacheBust, { auto: true });
 * }
 * // template: <link rel="stylesheet" href="{{ '/css/site.css' | cache_bust }}">
 */
export default function cacheBust(
  eleventyConfig: EleventyConfigLike,
  options?: EleventyPluginOptions | CacheBuster,
): void {
  if (typeof eleventyConfig?.addFilter !== "function" || typeof eleventyConfig.on !== "function") {
    throw new CacheBustError(
      "BAD_ARGUMENT",
      "cache-id/eleventy: use it as a plugin: eleventyConfig.addPlugin(cacheBust, options)",
    );
  }
  eleventyConfig.versionCheck?.(">=3.0.0");
  const settings = readSettings(options);
  claim(eleventyConfig, options);
  const js = jsSupport(settings.js, 'cache-id/eleventy: option "js"');
  const state = pluginState(eleventyConfig, settings, js);
  (eleventyConfig as OwnedConfig)[STATE] = state;
  const filters: FilterState = state;
  const helpers = {
    [settings.filterName]: urlFilter(settings.filterName, filters),
    integrity: integrityFilter(filters),
  };
  for (const [name, filter] of Object.entries(helpers)) eleventyConfig.addFilter(name, filter);
  // Handlebars added before this plugin has already copied the filter list.
  provideHandlebarsHelpers(eleventyConfig.extensionMap, helpers);
  onBuilds(eleventyConfig, settings, state, helpers);
  watchPassthroughSources(eleventyConfig);
  leaveImagesToEleventyImg(eleventyConfig, state);
  if (settings.auto) addAuto(eleventyConfig, state);
  if (js.pages) addImportMaps(eleventyConfig, state, js.pages);
}

/** `js: "importmap"`: each HTML page gets the import map of the modules it loads. */
function addImportMaps(
  eleventyConfig: EleventyConfigLike,
  state: ReturnType<typeof pluginState>,
  pages: NonNullable<JsSupport["pages"]>,
): void {
  const buster = { url: (url: string) => state.lookup().url(url, undefined, state.missing()) };
  eleventyConfig.addTransform?.(
    "cache-id-importmap",
    async function (this: { page?: { url?: string; inputPath?: string; outputPath?: unknown } }, content: unknown) {
      const page = this?.page;
      if (typeof content !== "string" || typeof page?.outputPath !== "string" || !page.outputPath.endsWith(".html"))
        return content;
      const { pageHtml } = await pages();
      try {
        return pageHtml(content, buster, page.url ?? "/");
      } catch (error) {
        throw inTemplate(error, { url: page.url, inputPath: page.inputPath });
      }
    },
  );
}

/**
 * A transform for Eleventy's bundle plugin that busts the URLs in CSS bundles through the
 * plugin added to the same config (`{% css %}`, `getBundle`).
 *
 * @example
 * eleventyConfig.addPlugin(cacheBust);
 * eleventyConfig.addBundle("css", { transforms: [bundleTransform(eleventyConfig)] });
 */
export function bundleTransform(
  eleventyConfig: EleventyConfigLike,
): (this: BundleThis | undefined, content: string) => string {
  // Plugins run after the config function: the state is looked up when a bundle is made.
  return cssBundleTransform(() => (eleventyConfig as OwnedConfig)[STATE]);
}

/**
 * `@11ty/eleventy-img`'s HTML transform reads an `<img>`'s `src` as a file path and names the
 * images it makes by their content: it is given the plain URL (before eleventy-img's
 * priority -1). It is found by the function its transform registers, at the first build, when
 * every plugin has run; without it nothing is added, so pages are not parsed for nothing.
 */
function leaveImagesToEleventyImg(eleventyConfig: EleventyConfigLike, state: ReturnType<typeof pluginState>): void {
  let checked = false;
  eleventyConfig.on("eleventy.before", () => {
    if (checked) return;
    checked = true;
    if (eleventyConfig.javascript?.functions?.__private_eleventyImageTransformConfigurationOptions === undefined)
      return;
    const busting = () => state.ready()?.busters[0]?.options;
    eleventyConfig.htmlTransformer?.addPosthtmlPlugin?.("html", plainImageSources(busting), { priority: -0.5 });
  });
}

/** What happens at the start and the end of every build. */
function onBuilds(
  eleventyConfig: EleventyConfigLike,
  settings: PluginSettings,
  state: ReturnType<typeof pluginState>,
  helpers: Record<string, (...args: unknown[]) => unknown>,
): void {
  /** Rewritten stylesheets of the last build (query mode), for the dev server. */
  let rewritten = new Map<string, Buffer>();
  /** The output directory's hashes, kept from build to build (see `outputHashes`). */
  let verified: { outDir: string; options: Readonly<ResolvedOptions>; hashes: CacheBuster } | undefined;
  eleventyConfig.on("eleventy.before", (event: { runMode?: RunMode } | undefined) => {
    state.runMode = event?.runMode ?? "build";
    state.warnings.reset();
    provideHandlebarsHelpers(eleventyConfig.extensionMap, helpers);
    state.lookup().refresh();
  });
  eleventyConfig.on("eleventy.after", async (event: { outputMode?: string } | undefined) => {
    // `toJSON()`/`--to=json` write nothing, so neither does the plugin.
    if (event?.outputMode !== undefined && event.outputMode !== "fs") return;
    const done = state.lookup();
    const entries = done.entries();
    const output = state.dirs().output;
    const report = (error: CacheBustError) =>
      follow(state.runMode === "build" ? "error" : "warn", state.warnings, `${error.code}:${String(error.url)}`, error);
    await writeBuildOutput(done, entries, output, settings.manifestFile, report);
    const options = done.busters[0]?.options;
    if (state.derived && options) {
      const servedFromSource =
        state.runMode === "serve" && eleventyConfig.serverPassthroughCopyBehavior === "passthrough";
      if (verified?.outDir !== output || verified.options !== options)
        verified = { outDir: output, options, hashes: outputHashes(output, options) };
      for (const problem of verifyBuild(entries, { ...verified, servedFromSource })) report(problem);
    }
    // Path mode writes rewritten stylesheets under their fingerprinted names, which no alias shadows.
    rewritten = new Map(
      options?.mode === "query" ? entries.flatMap((e) => (e.content ? [[e.urlPath, e.content] as const] : [])) : [],
    );
  });
  // Added to the user's middleware (Eleventy concatenates the lists).
  eleventyConfig.setServerOptions?.({
    middleware: [
      rewrittenFilesMiddleware(
        () => rewritten,
        () => normalPrefix(eleventyConfig.pathPrefix),
      ),
    ],
  });
}

/**
 * Under `--serve` with passthrough copies served from their source, Eleventy leaves changes
 * to those files to the dev server ("skips build"), so pages would keep their old hashes:
 * watching the passthrough sources makes a change rebuild the pages. Plugins run after the
 * user's config function, so the passthrough copies are known here.
 */
function watchPassthroughSources(eleventyConfig: EleventyConfigLike): void {
  if (
    eleventyConfig.serverPassthroughCopyBehavior !== "passthrough" ||
    typeof eleventyConfig.addWatchTarget !== "function"
  )
    return;
  for (const key of Object.keys(eleventyConfig.passthroughCopies ?? {})) {
    const isDirectory = fs.statSync(resolve(key), { throwIfNoEntry: false })?.isDirectory() === true;
    eleventyConfig.addWatchTarget(isDirectory ? `${key.replace(/[\\/]+$/, "")}/**` : key);
  }
}

/** `auto: true`: busts local URLs in HTML output through Eleventy's HTML transformer. */
function addAuto(eleventyConfig: EleventyConfigLike, state: ReturnType<typeof pluginState>): void {
  if (!eleventyConfig.htmlTransformer) {
    throw new CacheBustError(
      "BAD_ARGUMENT",
      'cache-id/eleventy: option "auto" needs Eleventy\'s htmlTransformer (Eleventy 3)',
    );
  }
  let pages = new Set<string>();
  eleventyConfig.on("eleventy.contentMap", (map: { urlToInputPath?: Record<string, unknown> } | undefined) => {
    pages = pageUrlSet(Object.keys(map?.urlToInputPath ?? {}));
  });
  // A transform over the whole page (the HTML reader the CLI uses), after Eleventy's own
  // URL transforms: a URL HtmlBasePlugin prefixed is looked up without the prefix.
  // Loaded on first use: the HTML reader (parse5) costs a build without `auto` nothing.
  let transform:
    Promise<(this: TransformThis | undefined, content: unknown, outputPath?: unknown) => unknown> | undefined;
  const load = async () =>
    (await import("./eleventy/auto.js")).autoBustTransform({
      lookup: state.lookup,
      pages: () => pages,
      pathPrefix: () => normalPrefix(eleventyConfig.pathPrefix),
    });
  eleventyConfig.addTransform?.(
    "cache-id-auto",
    async function (this: TransformThis | undefined, content: unknown, outputPath?: unknown) {
      return (await (transform ??= load())).call(this, content, outputPath);
    },
  );
}

/** For `require("cache-id/eleventy")`: Eleventy also accepts a plugin object with `configFunction`. */
export const configFunction = cacheBust;
