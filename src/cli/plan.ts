import * as fs from "node:fs";
import { join, relative, sep } from "node:path";
import { createCacheBuster } from "../core/buster.js";
import { cssTransformer } from "../css/index.js";
import { jsSupport, type JsSupport } from "../js/plugin.js";
import { lineLocator, type Position } from "../css/position.js";
import { isCacheBustError } from "../core/errors.js";
import { unfingerprintName } from "../core/fingerprint.js";
import type { BustedFile, CacheBuster, CacheBustOptions, ContentTransformer } from "../core/types.js";
import { webManifestTransformer } from "../webmanifest/index.js";
import { basePath } from "../html/base.js";
import { htmlEdits } from "../html/rewrite.js";
import type { Edit } from "../css/edits.js";
import { type CliOptions, UsageError } from "./args.js";
import { freshIntegrity } from "./integrity.js";
import { byCodeUnit } from "../core/order.js";
import type { Progress } from "./progress.js";
import { bustPageReference, countingTransformer, pageBuster, type SiteLocation } from "./references.js";
import { onOrigin, urlPathOf } from "./site-urls.js";
import { problemRecorder, type Problem, type Summary } from "./summary.js";
import { digestOf, readTextSync, type TextFile } from "./text.js";
import { Inserts, packEdits } from "./packed.js";
import { walkSite } from "./walk.js";

/** A page to rewrite: the digest of the bytes it was planned from, and the edits. */
export interface PlannedPage {
  path: string;
  /** Only the digest is kept, not the text: a large site's pages need not fit in memory. */
  digest: string;
  /** Packed (`packed.ts`), their inserts in the plan's `inserts`. */
  edits: Uint32Array;
}

/** Everything a run decided to write. */
export interface Plan {
  /** The site directory (absolute, real). */
  dir: string;
  /** URL path the site is served under, decoded, ending in `/`. */
  base: string;
  buster: CacheBuster;
  /** Every file hashed: the manifest, the copies in path mode, the files checked before writing. */
  entries: BustedFile[];
  /** Stylesheets rewritten in place. */
  stylesheets: BustedFile[];
  /** Digest of the text each stylesheet's rewrite was made from, by absolute file. */
  stylesheetSources: Map<string, string>;
  pages: PlannedPage[];
  /** The texts the pages' edits insert. */
  inserts: readonly string[];
  /** Temporary files of an interrupted earlier run, relative to `dir`. */
  leftovers: string[];
}

/** What planning needs besides the options. */
export interface PlanContext {
  dir: string;
  site: SiteLocation;
  summary: Summary;
  progress: Progress;
  signal: AbortSignal | undefined;
}

/** The code of an error reported as a problem; anything that is not one of ours is thrown on. */
export function codeOf(error: unknown): string {
  if (isCacheBustError(error)) return error.code;
  // By code, not class: a copy of the class from another build of the package is the same error.
  if (error instanceof Error && (error as { code?: unknown }).code === "CSS_SYNTAX") return "CSS_SYNTAX";
  throw error;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A problem record for an error at a place. */
function problemOf(file: string, at: Position, url: string, error: unknown): Problem {
  return { file, line: at.line, column: at.column, url, code: codeOf(error), message: messageOf(error) };
}

/** The buster options the command line gives, each checked by the core. */
function busterOptions(options: CliOptions, dir: string, base: string): CacheBustOptions {
  return {
    ...(base === "/" ? { root: dir } : { roots: { [base]: dir, "/": dir } }),
    mode: options.mode,
    param: options.param,
    length: options.length,
    algorithm: options.algorithm,
    validate: "once",
    missing: "error",
  };
}

/** Makes the run's buster; a bad `--param`/`--length`/`--algorithm` is a `UsageError` naming it. */
function siteBuster(
  options: CliOptions,
  ctx: PlanContext,
  record: (p: Problem) => void,
  sources: Map<string, string>,
  js: JsSupport,
): CacheBuster {
  const rel = (file: string) => relative(ctx.dir, file).split(sep).join("/");
  const css = cssTransformer({ onMissing: (p) => record(problemOf(rel(p.file), p, p.url, p.error)) });
  // A manifest's references have no line in a page: reported at the manifest's first line.
  const manifest = webManifestTransformer({
    onMissing: (p) => record(problemOf(rel(p.file), { line: 1, column: 1 }, p.url, p.error)),
  });
  const counted = (t: ContentTransformer) =>
    countingTransformer(t, ctx.site, ctx.summary, (file, source) => sources.set(file, digestOf(source)));
  try {
    return createCacheBuster({
      ...busterOptions(options, ctx.dir, ctx.site.base),
      transformers: [css, manifest, ...js.transformers].map(counted),
      onWarning: (w) => ctx.summary.warnings.push(w.message),
    });
  } catch (error) {
    if (!isCacheBustError(error) || error.code !== "BAD_ARGUMENT") throw error;
    throw new UsageError(`${badFlag(options, ctx.dir)}: ${error.message}`);
  }
}

/** Which of the flags handed to the core it refuses, tried one at a time. */
function badFlag(options: CliOptions, dir: string): string {
  for (const flag of ["param", "length", "algorithm"] as const) {
    if (options[flag] === undefined) continue;
    try {
      createCacheBuster({ root: dir, [flag]: options[flag] });
    } catch {
      return `--${flag}`;
    }
  }
  return "the options";
}

/** The files to rewrite in place: `a.<hash>.css` next to `a.css` is a fingerprinted copy, never a source. */
function sourceFiles(css: readonly string[], length: number): string[] {
  const names = new Set(css);
  return css.filter((p) => {
    const slash = p.lastIndexOf("/");
    const plain = unfingerprintName(p.slice(slash + 1), length);
    return !plain || !names.has(p.slice(0, slash + 1) + plain.name);
  });
}

/**
 * Reads the whole site and decides every change, writing nothing (so `--dry-run` and
 * `--strict` are exact): stylesheets are hashed as their rewritten text, pages keep only
 * their edits and the digest of the bytes those were made from.
 */
export async function planSite(options: CliOptions, ctx: PlanContext): Promise<Plan> {
  const { dir, summary, progress, signal } = ctx;
  const record = problemRecorder(summary);
  const stylesheetSources = new Map<string, string>();
  const js = jsSupport(options.js, "--js", {
    onMissing: (p) => record(problemOf(relative(dir, p.file).split(sep).join("/"), p, p.url, p.error)),
  });
  const buster = siteBuster(options, ctx, record, stylesheetSources, js);
  const files = walkSite(dir);
  const css = sourceFiles(files.css, buster.options.length);
  summary.cssFiles = css.length;
  // Web app manifests are rewritten in place too, once a page links one (only then is it hashed).
  const rewritable = [...css, ...sourceFiles(files.manifests, buster.options.length)];
  summary.htmlFiles = files.html.length;

  progress.phase("stylesheets", css.length);
  for (const path of css) {
    if (signal?.aborted) break;
    const url = urlPathOf(path, options.base);
    try {
      buster.url(url);
    } catch (error) {
      const at = error as { line?: number; column?: number };
      record(problemOf(path, { line: at.line ?? 1, column: at.column ?? 1 }, url, error));
    }
    progress.tick();
    await new Promise((ok) => setImmediate(ok)); // let a signal handler run between files
  }
  const inserts = new Inserts();
  const pages = await planPages(files.html, options, buster, { ...ctx, inserts }, record, js);
  summary.problems.sort((a, b) => byCodeUnit(a.file, b.file) || a.line - b.line || a.column - b.column);
  const entries = buster.entries();
  // `--js rewrite`: modules (and their maps) the pages reach are rewritten in place like stylesheets.
  const modules = js.way === "rewrite" ? rewrittenModules(entries, dir) : [];
  const stylesheets = rewrittenStylesheets(
    entries,
    new Set([...rewritable, ...modules]),
    new Set([...files.css, ...files.manifests, ...modules]),
    ctx,
  );
  return {
    dir,
    base: ctx.site.base,
    buster,
    entries,
    stylesheets,
    stylesheetSources,
    pages,
    inserts: inserts.texts,
    leftovers: files.leftovers,
  };
}

/** The files a plan rewrites, relative to the site directory: stylesheets, then pages. */
export function plannedFiles(plan: Plan): string[] {
  return [
    ...plan.stylesheets.map((e) => relative(plan.dir, e.file).split(sep).join("/")),
    ...plan.pages.map((p) => p.path),
  ];
}

/** The stylesheets rewritten in place; warns about rewritten files that are not sources. */
function rewrittenStylesheets(
  entries: BustedFile[],
  sources: ReadonlySet<string>,
  all: ReadonlySet<string>,
  ctx: PlanContext,
): BustedFile[] {
  const rel = (file: string) => relative(ctx.dir, file).split(sep).join("/");
  for (const e of entries) {
    if (!e.content || sources.has(rel(e.file))) continue;
    ctx.summary.warnings.push(
      all.has(rel(e.file))
        ? `${rel(e.file)} is a fingerprinted copy (its name must keep matching its bytes); its URLs were not rewritten in place`
        : `${rel(e.file)} is not a regular file of the site (a symbolic link?); its URLs were not rewritten in place`,
    );
  }
  return entries.filter((e) => e.content && sources.has(rel(e.file)));
}

/** Rewritten modules and source maps that are regular files of the site, relative to it. */
function rewrittenModules(entries: BustedFile[], dir: string): string[] {
  const inside = (file: string) =>
    !relative(dir, file).startsWith("..") && fs.lstatSync(file, { throwIfNoEntry: false })?.isFile() === true;
  return entries
    .filter((e) => e.content && /\.(m?js|map)$/i.test(e.urlPath) && inside(e.file))
    .map((e) => relative(dir, e.file).split(sep).join("/"));
}

/** Plans every page, one at a time, letting a signal handler run between two. */
async function planPages(
  html: readonly string[],
  options: CliOptions,
  buster: CacheBuster,
  ctx: PlanContext & { inserts: Inserts },
  record: (p: Problem) => void,
  js: JsSupport,
): Promise<PlannedPage[]> {
  const pages: PlannedPage[] = [];
  const bust = pageBuster(buster);
  const pageEdit = js.pages && (await js.pages()).pageEdit;
  ctx.progress.phase("pages", html.length);
  for (const [i, path] of html.entries()) {
    // Let a signal handler run now and then (a turn of the event loop per page cost 2%).
    if (i % 16 === 0) await new Promise((ok) => setImmediate(ok));
    if (ctx.signal?.aborted) break;
    // Read synchronously: a batch run gains nothing from thread-pool round trips (which cost
    // most of the run's time on a busy machine) and the text is dropped once planned.
    const file = readTextSync(join(ctx.dir, path));
    const edits = pageEdits(path, file, options, { buster, bust }, ctx, record);
    const mapEdit = pageEdit?.(file.text, buster, urlPathOf(path, options.base));
    if (mapEdit) edits.push(mapEdit);
    if (edits.length > 0) pages.push({ path, digest: file.digest, edits: packEdits(edits, ctx.inserts) });
    ctx.progress.tick();
  }
  return pages;
}

/** The edits of one page. */
function pageEdits(
  path: string,
  file: TextFile,
  options: CliOptions,
  { buster, bust }: { buster: CacheBuster; bust: (url: string, from: string) => string },
  ctx: PlanContext,
  record: (p: Problem) => void,
): Edit[] {
  const pageUrl = urlPathOf(path, options.base);
  const { site, summary } = ctx;
  let locate: ((offset: number) => Position) | undefined;
  const at = (offset: number) => (locate ??= lineLocator(file.text))(offset);
  const edits = htmlEdits(file.text, {
    bustFor: (href) => {
      const from = basePath(pageUrl, href, site.origin);
      return (url, offset) =>
        from === null
          ? undefined
          : bustPageReference(bust, site, summary, url, from, (error) =>
              record(problemOf(path, at(offset), url, error)),
            );
    },
    integrityFor: (href) => {
      const from = basePath(pageUrl, href, site.origin);
      return from === null
        ? undefined
        : (url, current) => freshIntegrity(buster, onOrigin(url, site.origin)?.rest ?? url, from, current);
    },
    onUnreadableValue: (offset) => {
      const { line, column } = at(offset);
      summary.warnings.push(
        `${path}:${line}:${column}: attribute left as written (a character reference this tool cannot map back)`,
      );
    },
    onCssError: (error, offset) => record(problemOf(path, at(offset), "<style>", error)),
  });
  return edits;
}
