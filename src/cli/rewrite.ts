import { join, relative, sep } from "node:path";
import { applyEdits } from "../css/edits.js";
import { runSync } from "../core/fs-steps.js";
import { type OutputRoot, rewriteInsideSteps, rootStep } from "../core/gate.js";
import { applyPackedToBytes, unpackEdits } from "./packed.js";
import type { PlannedPage } from "./page-plan.js";
import type { WriteFailure } from "./summary.js";
import { digestOf } from "./text.js";

const relTo = (dir: string) => (file: string) => relative(dir, file).split(sep).join("/");

/** A failure record for an error while writing `file`. */
export function failure(file: string, error: unknown): WriteFailure {
  const code = (error as { code?: unknown } | undefined)?.code;
  return {
    file,
    code: typeof code === "string" ? code : "WRITE_ERROR",
    message: error instanceof Error ? error.message : String(error),
  };
}

/** The site directory and, resolved on first use, the write gate's root for it: one per run and thread. */
export class SiteFiles {
  #root: OutputRoot | undefined;

  constructor(readonly dir: string) {}

  /** The gate's root (the directory's real path, checked once). */
  get root(): OutputRoot {
    return (this.#root ??= runSync(rootStep(this.dir)));
  }
}

/** What rewriting one planned file came to: written, or the failure to report. */
export type Outcome = { written: true } | { written: false; failure: WriteFailure };

/**
 * Rewrites one planned file (`abs`) if it still holds the bytes the plan was made from
 * (`digest`), with `make` turning its text into the new bytes. Synchronous and self-contained,
 * so a worker thread can do it as well as the main one.
 */
export function rewriteFile(
  site: SiteFiles,
  abs: string,
  digest: string | undefined,
  make: (bytes: Buffer) => Buffer,
): Outcome {
  const rel = relTo(site.dir)(abs);
  let changed = false;
  try {
    // Through the write gate: read and written only inside the site (a directory swapped for
    // a link since planning is refused), atomically, with the file's permissions kept.
    runSync(
      rewriteInsideSteps(site.root, rel, (bytes) => {
        changed = digestOf(bytes) !== digest;
        return changed ? undefined : make(bytes);
      }),
    );
  } catch (error) {
    return { written: false, failure: failure(rel, error) };
  }
  if (changed)
    return {
      written: false,
      failure: { file: rel, code: "FILE_CHANGED", message: `${rel} changed during the run; left as it is` },
    };
  return { written: true };
}

/** A planned page rewritten: its edits applied to the text it holds now, if that is what was planned. */
export const rewritePage = (site: SiteFiles, inserts: readonly string[], page: PlannedPage): Outcome =>
  rewriteFile(site, join(site.dir, page.path), page.digest, (bytes) =>
    // The bytes are those planned (same digest), so they are read as they were then.
    page.bytewise
      ? applyPackedToBytes(bytes, page.edits, inserts, page.encoding)
      : Buffer.from(applyEdits(bytes.toString(page.encoding), unpackEdits(page.edits, inserts)), page.encoding),
  );
