import * as fs from "node:fs";
import { relative, sep } from "node:path";
import { createCacheBuster } from "../core/buster.js";
import { cssTransformer } from "../css/index.js";
import { jsSupport, type JsSupport } from "../js/plugin.js";
import { isCacheBustError } from "../core/errors.js";
import { type Crew, type Hired, hireCrew, planInCrew } from "./crew.js";
import { answerOf, type PageContext, type PlannedPage, planPage, problemOf } from "./page-plan.js";
import { type Helpers, helpersFor } from "./parallel.js";
import { unfingerprintName } from "../core/fingerprint.js";
import type { BustedFile, CacheBuster, CacheBustOptions, ContentTransformer } from "../core/types.js";
import { webManifestTransformer } from "../webmanifest/index.js";
import { type CliOptions, UsageError } from "./args.js";
import { freshIntegrity } from "./integrity.js";
import { byCodeUnit } from "../core/order.js";
import type { Progress } from "./progress.js";
import { countingTransformer, pageBuster, type SiteLocation } from "./references.js";
import { urlPathOf } from "./site-urls.js";
import { problemRecorder, type Problem, type Summary } from "./summary.js";
import { digestOf } from "./text.js";
import { createReadScratch } from "../core/read.js";
import { Inserts } from "./packed.js";
import { walkSite } from "./walk.js";
import { nextTurn, TURN_EVERY } from "../core/turns.js";

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
  /** The helper threads holding the plans of the pages marked `member`, when a large site was planned with them. */
  crew?: Crew | undefined;
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
  /** Threads to share the pages with; none when not given. */
  helpers?: Helpers | undefined;
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
  // Helpers for a large site start now, loading while the stylesheets are hashed.
  const threads = js.way === "importmap" ? 0 : helpersFor(ctx.helpers, files.html.length);
  const hired = threads > 0 && ctx.helpers ? hireCrew(ctx.helpers.script, threads) : undefined;

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
    await nextTurn(); // let a signal handler run between files
  }
  const inserts = new Inserts();
  const { pages, crew } = await planPages(files.html, options, buster, { ...ctx, inserts, hired }, record, js);
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
    crew,
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

/** Plans every page: here, one at a time, or with helper threads on a large site (`crew.ts`). */
async function planPages(
  html: readonly string[],
  options: CliOptions,
  buster: CacheBuster,
  ctx: PlanContext & { inserts: Inserts; hired: Hired | undefined },
  record: (p: Problem) => void,
  js: JsSupport,
): Promise<{ pages: PlannedPage[]; crew?: Crew }> {
  const bust = pageBuster((url, from) => buster.url(url, { from, missing: "error" }));
  const integrity = (url: string, from: string, current: string) => freshIntegrity(buster, url, from, current);
  const imports = js.pages && (await js.pages());
  const pc: PageContext = {
    dir: ctx.dir,
    options,
    site: ctx.site,
    summary: ctx.summary,
    record,
    resolver: { bust, integrity },
    inserts: ctx.inserts,
    scratch: createReadScratch(),
    pageEdit: imports && ((text, pageUrl) => imports.pageEdit(text, buster, pageUrl)),
  };
  ctx.progress.phase("pages", html.length);
  // An import map is made from the buster's module graph, which only this thread holds.
  if (ctx.hired && !imports) return planWithHelpers(html, pc, ctx, ctx.hired);
  const pages: PlannedPage[] = [];
  for (const [i, path] of html.entries()) {
    // Let a signal handler run now and then.
    if (i % TURN_EVERY === 0) await nextTurn();
    if (ctx.signal?.aborted) break;
    const page = planPage(path, pc);
    if (page) pages.push(page);
    ctx.progress.tick();
  }
  return { pages };
}

/**
 * Plans the pages with helper threads: the same findings as one thread, in the pages' order
 * (warnings too: each goes with the page whose planning gave it).
 */
async function planWithHelpers(
  html: readonly string[],
  pc: PageContext,
  ctx: PlanContext,
  hired: Hired,
): Promise<{ pages: PlannedPage[]; crew: Crew }> {
  const { summary } = ctx;
  const here = new Map<number, PlannedPage>();
  const theirs = new Set<number>();
  const warnings = new Map<number, string[]>();
  // Warnings pushed meanwhile go with page `index`.
  const during = <T>(index: number, f: () => T): T => {
    const before = summary.warnings.length;
    const out = f();
    if (summary.warnings.length > before) note(index, summary.warnings.splice(before));
    return out;
  };
  const note = (index: number, list: string[]) => warnings.set(index, [...(warnings.get(index) ?? []), ...list]);
  const crew = await planInCrew(html, {
    hired,
    data: { dir: ctx.dir, options: pc.options, site: ctx.site },
    signal: ctx.signal,
    here: (i) => {
      const page = during(i, () => planPage(html[i] as string, pc));
      if (page) here.set(i, page);
      ctx.progress.tick();
    },
    answer: (q) =>
      during(q.page, () =>
        q.op === "bust" ? answerOf(pc.resolver.bust, q.url, q.from) : pc.resolver.integrity(q.url, q.from, q.current),
      ),
    take: (p) => {
      summary.references += p.references;
      summary.busted += p.busted;
      summary.changed += p.changed;
      p.problems.forEach(pc.record);
      if (p.warnings.length > 0) note(p.index, p.warnings);
      if (p.changes) theirs.add(p.index);
      ctx.progress.tick();
    },
  });
  const pages: PlannedPage[] = [];
  for (const [i, path] of html.entries()) {
    const page =
      here.get(i) ??
      (theirs.has(i)
        ? { path, digest: "", edits: new Uint32Array(0), encoding: "utf8" as const, bytewise: true, member: i }
        : undefined);
    if (page) pages.push(page);
    summary.warnings.push(...(warnings.get(i) ?? []));
  }
  return { pages, crew };
}
