import * as fs from "node:fs";
import { resolve } from "node:path";
import { type CliOptions, UsageError } from "./args.js";
import { baseHint } from "./hint.js";
import { lockSite } from "./lock.js";
import type { Helpers } from "./parallel.js";
import { type Plan, planSite, plannedFiles } from "./plan.js";
import { type Progress, silentProgress } from "./progress.js";
import { emptySummary, type Summary } from "./summary.js";
import { writeChanges } from "./write.js";

export type { Problem, Summary, WriteFailure } from "./summary.js";

/** Checks the site directory; throws `UsageError` for one that cannot be used. */
function siteDirectory(dir: string): string {
  const abs = resolve(dir);
  const st = fs.statSync(abs, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`${dir}: no such directory`);
  if (!st.isDirectory()) throw new UsageError(`${dir}: not a directory`);
  return fs.realpathSync(abs);
}

function decodeBase(base: string): string {
  try {
    return decodeURIComponent(base);
  } catch {
    throw new UsageError(`--base has malformed percent-encoding: ${JSON.stringify(base)}`);
  }
}

/**
 * Busts a finished site: plans every change first (so `--dry-run` and `--strict` write
 * nothing), then writes fingerprinted copies, stylesheets, pages and the manifest, each
 * atomically, in that order, so every URL written names a file that is already there.
 * A run that writes holds the directory's lock.
 */
export async function runCli(
  options: CliOptions,
  hooks: { progress?: Progress; signal?: AbortSignal; helpers?: Helpers } = {},
): Promise<Summary> {
  const progress = hooks.progress ?? silentProgress;
  const dir = siteDirectory(options.dir);
  const summary = emptySummary(dir, options);
  const site = { base: decodeBase(options.base), origin: options.origin };
  const release = options.dryRun ? () => {} : lockSite(dir);
  let plan: Plan | undefined;
  try {
    plan = await planSite(options, { dir, site, summary, progress, signal: hooks.signal, helpers: hooks.helpers });
    const hint = baseHint(summary, dir, site.base);
    if (hint) summary.warnings.push(hint);
    if (options.manifest !== undefined) summary.manifest = resolve(options.manifest);
    summary.interrupted = hooks.signal?.aborted ?? false;
    summary.refused = options.strict && summary.problems.length > 0;
    if (options.dryRun) summary.filesChanged = plannedFiles(plan);
    if (!options.dryRun && !summary.refused && !summary.interrupted)
      await writeChanges({ plan, summary, progress, signal: hooks.signal, helpers: hooks.helpers });
    return summary;
  } finally {
    await plan?.crew?.close();
    progress.end();
    release();
  }
}
