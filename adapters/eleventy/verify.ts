import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import type { BustedFile, CacheBustError, ResolvedOptions } from "../../src/index.js";
import { pluginError } from "./problems.js";

/** Where the built site's bytes for an entry are, and what else may serve them. */
export interface VerifyTarget {
  outDir: string;
  /** The buster's options: hash algorithm, length and mode. */
  options: Readonly<ResolvedOptions>;
  /**
   * Under `--serve` with passthrough copies served from their source: a file absent from the
   * output directory is served from its source (or, rewritten, by the plugin's middleware).
   */
  servedFromSource: boolean;
}

function digest(bytes: Buffer, options: Readonly<ResolvedOptions>): string {
  return createHash(options.algorithm).update(bytes).digest("hex").slice(0, options.length);
}

function readIfFile(file: string): Buffer | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  // Only regular files are read: a FIFO put in the output directory must not block the build.
  return st?.isFile() ? fs.readFileSync(file) : undefined;
}

/** The problem with one entry, if the site does not serve its hashed bytes at its URL. */
function check(entry: BustedFile, target: VerifyTarget): CacheBustError | undefined {
  const urlPath = target.options.mode === "path" ? entry.fingerprinted : entry.urlPath;
  const file = join(target.outDir, urlPath);
  let bytes = readIfFile(file);
  if (bytes === undefined && target.servedFromSource) bytes = entry.content ?? readIfFile(entry.file);
  if (bytes === undefined) {
    return pluginError(
      "MISSING_FILE",
      `the build handed out ${entry.busted}, but the output directory has no file ${file}`,
      { url: entry.busted, file },
    );
  }
  if (digest(bytes, target.options) === entry.hash) return undefined;
  return pluginError(
    "FILE_CHANGED",
    `the build handed out ${entry.busted}, but ${file} holds other bytes (changed during the build?)`,
    { url: entry.busted, file },
  );
}

/**
 * Checks at the end of a build that every URL handed out is served with the hashed bytes:
 * the file exists in the output directory (or, `servedFromSource`, at its source) and its
 * bytes have the hash in the URL. Returns the problems found, first ones first.
 *
 * @example
 * verifyBuild(lookup.entries(), { outDir: "_site", options: buster.options, servedFromSource: false }) // []
 */
export function verifyBuild(entries: readonly BustedFile[], target: VerifyTarget): CacheBustError[] {
  const problems: CacheBustError[] = [];
  for (const entry of entries) {
    const problem = check(entry, target);
    if (problem) problems.push(problem);
  }
  return problems;
}
