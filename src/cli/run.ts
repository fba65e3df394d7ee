import * as fs from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { createCacheBuster } from "../core/buster.js";
import { cssTransformer } from "../css/index.js";
import { lineLocator, type Position } from "../css/position.js";
import { isCacheBustError } from "../core/errors.js";
import { unfingerprintName } from "../core/fingerprint.js";
import type { CacheBuster, ContentTransformer, TransformContext } from "../core/types.js";
import { splitUrl } from "../core/url.js";
import { type CliOptions, UsageError } from "./args.js";
import { htmlEdits } from "./html.js";
import { freshIntegrity } from "./integrity.js";
import { type Progress, silentProgress } from "./progress.js";
import { basePath, isPageLink, onOrigin, underBase, urlPathOf } from "./site-urls.js";
import { digestOf, readText, type TextFile } from "./text.js";
import { type PlannedPage, writeChanges } from "./write.js";
import { walkSite } from "./walk.js";

/** A reference that could not be busted, and where it is written. */
export interface Problem {
  /** Path of the HTML or CSS file, relative to the site directory. */
  file: string;
  line: number;
  column: number;
  /** The URL as written. */
  url: string;
  /** A `CacheBustError` code (`MISSING_FILE`...), or `CSS_SYNTAX`. */
  code: string;
  message: string;
}

/** What a run found and did. */
export interface Summary {
  dir: string;
  mode: CliOptions["mode"];
  dryRun: boolean;
  htmlFiles: number;
  cssFiles: number;
  /** Local resource references found (page links, external and `data:` URLs not counted). */
  references: number;
  /** References that resolved to a file. */
  busted: number;
  /** References whose text changed. */
  changed: number;
  /** HTML and CSS files whose text changed (written, or to be written in a dry run). */
  filesChanged: string[];
  /** Fingerprinted copies (path mode): written now, or already there with the right bytes. */
  copiesWritten: number;
  copiesPresent: number;
  manifest: string | undefined;
  /** Whether the manifest file's bytes changed. */
  manifestChanged: boolean;
  problems: Problem[];
  warnings: string[];
  /** Temporary files of an interrupted earlier run that were removed. */
  leftoversRemoved: number;
  /** `--strict` found problems, so nothing was written. */
  refused: boolean;
  /** Stopped by a signal between two files. */
  interrupted: boolean;
}

/** Checks the site directory; throws `UsageError` for one that cannot be used. */
function siteDirectory(dir: string): string {
  const abs = resolve(dir);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new UsageError(`${dir}: no such directory`);
  }
  if (!st.isDirectory()) throw new UsageError(`${dir}: not a directory`);
  return fs.realpathSync(abs);
}

/**
 * Busts a finished site: plans every change in memory first (so `--dry-run` and `--strict`
 * write nothing), then writes fingerprinted copies, stylesheets, pages and the manifest, each
 * atomically, in that order, so every URL written names a file that is already there.
 */
export async function runCli(options: CliOptions, hooks: { progress?: Progress; signal?: AbortSignal } = {}): Promise<Summary> {
  const progress = hooks.progress ?? silentProgress;
  const dir = siteDirectory(options.dir);
  const rel = (file: string) => relative(dir, file).split(sep).join("/");
  // Decoded, like the URL paths the buster resolves; `--base` itself is written encoded.
  const base = decodeBase(options.base);
  const summary: Summary = {
    dir, mode: options.mode, dryRun: options.dryRun, htmlFiles: 0, cssFiles: 0, references: 0, busted: 0, changed: 0,
    filesChanged: [], copiesWritten: 0, copiesPresent: 0, manifest: undefined, manifestChanged: false, problems: [], warnings: [],
    leftoversRemoved: 0, refused: false, interrupted: false,
  };
  const seen = new Set<string>();
  const problem = (p: Problem) => {
    const key = `${p.file}\0${p.line}\0${p.column}\0${p.url}\0${p.code}`;
    if (!seen.has(key)) summary.problems.push(p), seen.add(key);
  };
  const countBust = (ref: string, busted: string) => {
    summary.busted++;
    if (busted !== ref) summary.changed++;
  };

  // Stylesheets: the digest of the text each rewrite was made from, to check before writing.
  const cssSources = new Map<string, string>();
  const css = cssTransformer({
    onMissing: (p) => problem({ file: rel(p.file), line: p.line, column: p.column, url: p.url, code: p.error.code, message: p.error.message }),
  });
  const counting: ContentTransformer = {
    name: css.name,
    test: css.test,
    transform(source, ctx) {
      cssSources.set(ctx.file, digestOf(source));
      // Counts references, and busts those on the site's own origin (`--base https://…`) too.
      const bust: TransformContext["bust"] = (ref, o) => {
        const own = onOrigin(ref, options.origin);
        if (own) {
          const out = bust(own.rest, o);
          return out === own.rest ? ref : own.prefix + out;
        }
        const parts = splitUrl(ref);
        if (parts && !underBase(parts.path, ctx.urlPath, base, ref)) return ref;
        const counted = parts !== undefined && !isPageLink(parts.path);
        if (counted) summary.references++;
        const out = ctx.bust(ref, o);
        if (counted) countBust(ref, out);
        return out;
      };
      return css.transform(source, { ...ctx, bust });
    },
  };
  let buster: CacheBuster;
  try {
    buster = createCacheBuster({
      ...(base === "/" ? { root: dir } : { roots: { [base]: dir, "/": dir } }), mode: options.mode, param: options.param, length: options.length, algorithm: options.algorithm,
      validate: "once", missing: "error", transformers: [counting], onWarning: (w) => summary.warnings.push(w.message),
    });
  } catch (error) {
    if (isCacheBustError(error)) throw new UsageError(error.message.replace(/^cache-id: option "(\w+)"/, "--$1"));
    throw error;
  }
  const length = buster.options.length;

  const site = await walkSite(dir);
  const cssNames = new Set(site.css);
  // `a.<hash>.css` next to `a.css` is a fingerprinted copy (made by path mode): never a source.
  const cssSourcesToScan = site.css.filter((p) => {
    const slash = p.lastIndexOf("/");
    const plain = unfingerprintName(p.slice(slash + 1), length);
    return !plain || !cssNames.has(p.slice(0, slash + 1) + plain.name);
  });
  const cssSourceNames = new Set(cssSourcesToScan);
  summary.cssFiles = cssSourcesToScan.length;
  summary.htmlFiles = site.html.length;

  const bustOne = (url: string, from: string, file: string, where: () => Position): string | undefined => {
    const own = onOrigin(url, options.origin);
    if (own) {
      const out = bustOne(own.rest, from, file, where);
      return out === undefined ? undefined : own.prefix + out;
    }
    const parts = splitUrl(url);
    if (!parts || isPageLink(parts.path) || !underBase(parts.path, from, base, url)) return undefined;
    summary.references++;
    try {
      const out = buster.url(url, { from, missing: "error" });
      countBust(url, out);
      return out;
    } catch (error) {
      if (isCacheBustError(error) && error.code === "NOT_A_FILE" && error.file && fs.statSync(error.file, { throwIfNoEntry: false })?.isDirectory()) {
        summary.references--; // a directory: a page link without its trailing slash
        return undefined;
      }
      const { line, column } = where();
      problem({ file, line, column, url, code: codeOf(error), message: messageOf(error) });
      return undefined;
    }
  };

  // ---- plan: read everything, change nothing -------------------------------------------
  progress.phase("stylesheets", cssSourcesToScan.length);
  for (const path of cssSourcesToScan) {
    if (hooks.signal?.aborted) break;
    try {
      buster.url(urlPathOf(path, options.base));
    } catch (error) {
      const at = error as { line?: number; column?: number };
      problem({ file: path, line: at.line ?? 1, column: at.column ?? 1, url: urlPathOf(path, options.base), code: codeOf(error), message: messageOf(error) });
    }
    progress.tick();
    // Let a signal handler run between files.
    await new Promise((ok) => setImmediate(ok));
  }
  const pages: PlannedPage[] = [];
  progress.phase("pages", site.html.length);
  // The next page is read while this one is parsed.
  const readPage = (i: number) => (i < site.html.length ? readText(join(dir, site.html[i] as string)) : undefined);
  let next = readPage(0);
  next?.catch(() => {});
  for (let i = 0; i < site.html.length; i++) {
    const path = site.html[i] as string;
    const file = await (next as Promise<TextFile>);
    next = readPage(i + 1);
    next?.catch(() => {}); // awaited (and so reported) in its own turn
    if (hooks.signal?.aborted) break;
    const pageUrl = urlPathOf(path, options.base);
    let locate: ((offset: number) => Position) | undefined;
    const at = (offset: number) => () => (locate ??= lineLocator(file.text))(offset);
    const edits = htmlEdits(file.text, {
      bustFor: (href) => {
        const from = basePath(pageUrl, href, options.origin);
        return (url, offset) => (from === null ? undefined : bustOne(url, from, path, at(offset)));
      },
      integrityFor: (href) => {
        const from = basePath(pageUrl, href, options.origin);
        return from === null ? undefined : (url, current) => freshIntegrity(buster, onOrigin(url, options.origin)?.rest ?? url, from, current);
      },
      onUnreadableValue: (offset) => {
        const { line, column } = at(offset)();
        summary.warnings.push(`${path}:${line}:${column}: attribute left as written (a character reference this tool cannot map back)`);
      },
      onCssError: (error, offset) => {
        const { line, column } = at(offset)();
        problem({ file: path, line, column, url: "<style>", code: codeOf(error), message: messageOf(error) });
      },
    });
    if (edits.length > 0) pages.push({ path, digest: file.digest, edits });
    progress.tick();
  }
  summary.problems.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const entries = buster.entries();
  const stylesheets = entries.filter((e) => e.content && cssSourceNames.has(rel(e.file)));
  for (const e of entries) {
    if (!e.content || cssSourceNames.has(rel(e.file))) continue;
    summary.warnings.push(
      cssNames.has(rel(e.file))
        ? `${rel(e.file)} is a fingerprinted copy (its name must keep matching its bytes); its URLs were not rewritten in place`
        : `${rel(e.file)} is not a regular file of the site (a symbolic link?); its URLs were not rewritten in place`,
    );
  }
  summary.filesChanged = [...stylesheets.map((e) => rel(e.file)), ...pages.map((p) => p.path)];
  if (options.manifest !== undefined) summary.manifest = resolve(options.manifest);

  summary.interrupted = hooks.signal?.aborted ?? false;
  if (options.strict && summary.problems.length > 0) summary.refused = true;
  if (options.dryRun || summary.refused || summary.interrupted) {
    progress.end();
    return summary;
  }

  await writeChanges({ dir, base, mode: options.mode, buster, entries, stylesheets, stylesheetSources: cssSources, pages, leftovers: site.leftovers }, summary, progress, hooks.signal);
  progress.end();
  return summary;
}

function decodeBase(base: string): string {
  try {
    return decodeURIComponent(base);
  } catch {
    throw new UsageError(`--base has malformed percent-encoding: ${JSON.stringify(base)}`);
  }
}

function codeOf(error: unknown): string {
  if (isCacheBustError(error)) return error.code;
  // By code, not class: a copy of the class from another build of the package is the same error.
  if (error instanceof Error && (error as { code?: unknown }).code === "CSS_SYNTAX") return "CSS_SYNTAX";
  throw error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
