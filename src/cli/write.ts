import * as fsp from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { applyEdits, type Edit } from "../css/edits.js";
import { emitFiles, writeFileAtomic } from "../core/emit.js";
import { writeManifest } from "../core/manifest.js";
import type { BustedFile, BustMode, CacheBuster } from "../core/types.js";
import type { Progress } from "./progress.js";
import type { Summary } from "./run.js";
import { readText } from "./text.js";

/** A page to rewrite: the digest of the bytes it was planned from, and the edits. */
export interface PlannedPage {
  path: string;
  /** Only the digest is kept, not the text: a large site's pages need not fit in memory. */
  digest: string;
  edits: Edit[];
}

/** Everything the plan decided to write. */
export interface Plan {
  /** The site directory (absolute, real). */
  dir: string;
  /** URL path the site is served under, decoded, ending in `/`. */
  base: string;
  mode: BustMode;
  buster: CacheBuster;
  /** Every file hashed: the manifest, and the copies in path mode. */
  entries: BustedFile[];
  /** Stylesheets rewritten in place. */
  stylesheets: BustedFile[];
  /** Digest of the text each stylesheet's rewrite was made from, by absolute file. */
  stylesheetSources: Map<string, string>;
  pages: PlannedPage[];
  /** Temporary files of an interrupted earlier run, relative to `dir`. */
  leftovers: string[];
}

/**
 * Writes a plan: fingerprinted copies, then stylesheets, then pages, then the manifest, so
 * that every URL written names a file that is already there. Each file is replaced
 * atomically and only if it still holds what the plan was made from; stops between files
 * once `signal` is aborted. Records what it did in `summary`.
 */
export async function writeChanges(plan: Plan, summary: Summary, progress: Progress, signal: AbortSignal | undefined): Promise<void> {
  const { dir, base, entries, stylesheets, pages } = plan;
  const rel = (file: string) => relative(dir, file).split(sep).join("/");
  for (const leftover of plan.leftovers) {
    await fsp.rm(join(dir, leftover), { force: true });
    summary.leftoversRemoved++;
  }
  if (plan.mode === "path") {
    progress.phase("copies", entries.length);
    // Copies go where their URL path says, less the `--base` the site is served under.
    const copies = entries.map((e) => ({ ...e, fingerprinted: e.fingerprinted.slice(base.length - 1) }));
    await emitFiles(copies, dir, plan.buster.options, (w) => summary.warnings.push(w.message), {
      signal,
      onCopy: (_path, written) => {
        if (written) summary.copiesWritten++;
        else summary.copiesPresent++;
        progress.tick();
      },
    });
  }
  progress.phase("writing", stylesheets.length + pages.length);
  for (const sheet of stylesheets) {
    if (signal?.aborted) break;
    const now = await readText(sheet.file);
    if (now.digest !== plan.stylesheetSources.get(sheet.file)) {
      summary.warnings.push(`${rel(sheet.file)} changed during the run; left as it is`);
    } else {
      await writeFileAtomic(sheet.file, sheet.content as Buffer, { mode: now.mode });
    }
    progress.tick();
  }
  for (const page of pages) {
    if (signal?.aborted) break;
    const abs = join(dir, page.path);
    const now = await readText(abs);
    if (now.digest !== page.digest) {
      summary.warnings.push(`${page.path} changed during the run; left as it is`);
    } else {
      await writeFileAtomic(abs, Buffer.from(applyEdits(now.text, page.edits), now.encoding), { mode: now.mode });
    }
    progress.tick();
  }
  summary.interrupted = signal?.aborted ?? false;
  if (summary.manifest !== undefined && !summary.interrupted) summary.manifestChanged = await writeManifest(summary.manifest, entries);
}
