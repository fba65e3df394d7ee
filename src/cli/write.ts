import * as fs from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { emitFiles } from "../core/emit.js";
import { CacheBustError, isCacheBustError } from "../core/errors.js";
import { writeInside } from "../core/gate.js";
import { formatManifest } from "../core/manifest.js";
import type { BustedFile } from "../core/types.js";
import { type Helpers, helpersFor, inParallel } from "./parallel.js";
import type { Crew } from "./crew.js";
import type { Plan } from "./plan.js";
import type { PlannedPage } from "./page-plan.js";
import type { Progress } from "./progress.js";
import type { Summary } from "./summary.js";
import { failure, type Outcome, rewriteFile, rewritePage, SiteFiles } from "./rewrite.js";
import { changedSince } from "./verify.js";
import { nextTurn, TURN_EVERY } from "../core/turns.js";

const fsp = fs.promises;

/** What the writer is told as it goes. */
interface Writing {
  plan: Plan;
  /** The site's files as the write gate sees them (made by {@link writeChanges}). */
  files: SiteFiles;
  summary: Summary;
  progress: Progress;
  signal: AbortSignal | undefined;
  /** Threads to share the pages with; none when not given. */
  helpers?: Helpers | undefined;
}

const relTo = (dir: string) => (file: string) => relative(dir, file).split(sep).join("/");

/**
 * Writes the fingerprinted copies (path mode). A copy not made (its file changed after it was
 * hashed, is gone, or is a link out of the site) is a failure: pages would name a missing file.
 */
async function writeCopies(w: Writing): Promise<void> {
  const { plan, summary, progress, signal } = w;
  const rel = relTo(plan.dir);
  progress.phase("copies", plan.entries.length);
  // Copies go where their URL path says, less the `--base` the site is served under.
  const copies = plan.entries.map((e) => ({ ...e, fingerprinted: e.fingerprinted.slice(plan.base.length - 1) }));
  const warn = (error: CacheBustError) => summary.writeFailures.push(failure(rel(error.file ?? plan.dir), error));
  try {
    await emitFiles(copies, plan.dir, plan.buster.options, warn, {
      signal,
      sync: true,
      onCopy: (_path, written) => {
        if (written) summary.copiesWritten++;
        else summary.copiesPresent++;
        progress.tick();
      },
    });
  } catch (error) {
    summary.writeFailures.push(failure(rel(isCacheBustError(error) && error.file ? error.file : plan.dir), error));
  }
}

/** Records the outcome of rewriting `abs` in the summary. */
function record(w: Writing, abs: string, outcome: Outcome): void {
  if (outcome.written) w.summary.filesChanged.push(relTo(w.plan.dir)(abs));
  else w.summary.writeFailures.push(outcome.failure);
}

/** Rewrites one stylesheet (or other file rewritten in place) between two turns of the event loop. */
async function rewriteSheet(w: Writing, sheet: BustedFile): Promise<void> {
  await nextTurn(); // let a signal handler run between files
  if (!w.signal?.aborted) {
    const digest = w.plan.stylesheetSources.get(sheet.file);
    record(
      w,
      sheet.file,
      rewriteFile(w.files, sheet.file, digest, () => sheet.content as Buffer),
    );
  }
  w.progress.tick();
}

/**
 * Rewrites the planned pages, sharing them out between this thread and the helper threads
 * (`parallel.ts`); outcomes are recorded in the pages' order, whoever wrote them.
 */
async function rewritePages(w: Writing): Promise<void> {
  const { plan, signal } = w;
  if (plan.crew) return rewriteWithCrew(w, plan.crew);
  const outcomes = await inParallel(plan.pages, {
    job: "pages",
    data: { dir: plan.dir, inserts: plan.inserts },
    threads: helpersFor(w.helpers, plan.pages.length),
    script: w.helpers?.script,
    signal,
    onDone: () => w.progress.tick(),
    here: (page) => rewritePage(w.files, plan.inserts, page),
  });
  outcomes.forEach((o, i) => {
    if (o) record(w, join(plan.dir, (plan.pages[i] as PlannedPage).path), o);
  });
}

/**
 * Rewrites the planned pages with the helper threads that planned them: each writes its own,
 * this thread the rest; outcomes are recorded in the pages' order, whoever wrote them.
 */
async function rewriteWithCrew(w: Writing, crew: Crew): Promise<void> {
  const { plan, signal } = w;
  const theirs = crew.write(() => w.progress.tick());
  theirs.catch(() => {}); // awaited below, after this thread's share
  const mine = new Map<PlannedPage, Outcome>();
  for (const [n, page] of plan.pages.filter((p) => p.member === undefined).entries()) {
    // Let a signal handler, and the helpers' reports, in now and then.
    if (n % TURN_EVERY === 0) await nextTurn();
    if (signal?.aborted) break;
    mine.set(page, rewritePage(w.files, plan.inserts, page));
    w.progress.tick();
  }
  const outcomes = await theirs;
  for (const page of plan.pages) {
    const o = page.member === undefined ? mine.get(page) : outcomes.get(page.member);
    if (o) record(w, join(plan.dir, page.path), o);
  }
}

/** Reports files whose bytes changed after they were hashed: no page may name them with the old hash. */
function reportChanged(w: Writing, files: readonly string[]): void {
  const rel = relTo(w.plan.dir);
  for (const file of files) {
    w.summary.writeFailures.push({
      file: rel(file),
      code: "FILE_CHANGED",
      message: `${rel(file)} changed after it was hashed; run again to bust it with its new hash`,
    });
  }
}

/**
 * Writes a plan: fingerprinted copies, then stylesheets, then pages, then the manifest, so
 * that every URL written names a file that is already there with the bytes it was hashed
 * from. Files that changed during the run, and writes that fail, are recorded in
 * `summary.writeFailures`; pages are written only when every file they may name is in place.
 * Stops between files once `signal` is aborted.
 */
export async function writeChanges(given: Omit<Writing, "files">): Promise<void> {
  const w: Writing = { ...given, files: new SiteFiles(given.plan.dir) };
  const { plan, summary, signal } = w;
  for (const leftover of plan.leftovers) {
    await fsp.rm(join(plan.dir, leftover), { force: true });
    summary.leftoversRemoved++;
  }
  const options = plan.buster.options;
  if (options.mode === "path") await writeCopies(w);
  reportChanged(
    w,
    changedSince(
      plan.entries.filter((e) => options.mode === "query" || e.content),
      plan.stylesheetSources,
      options,
    ),
  );
  w.progress.phase("writing", plan.stylesheets.length + plan.pages.length);
  if (summary.writeFailures.length === 0) {
    for (const sheet of plan.stylesheets) {
      if (signal?.aborted) break;
      await rewriteSheet(w, sheet);
    }
  }
  // A page may name any of the files above: with one of them missing or changed, none is written.
  if (summary.writeFailures.length === 0) {
    await rewritePages(w);
    // Changed while the pages were written: those pages may now name stale bytes; say so.
    if (options.mode === "query") reportChanged(w, changedSince(plan.entries, plan.stylesheetSources, options));
  }
  summary.interrupted = signal?.aborted ?? false;
  if (summary.manifest !== undefined && !summary.interrupted && summary.writeFailures.length === 0)
    await writeManifestFile(w);
}

/** Writes `--manifest`, through the same checks as every other write. */
async function writeManifestFile(w: Writing): Promise<void> {
  const file = w.summary.manifest as string;
  try {
    w.summary.manifestChanged = await writeInside(dirname(file), basename(file), formatManifest(w.plan.entries));
  } catch (error) {
    w.summary.writeFailures.push(failure(file, error));
  }
}
