import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import {
  createCacheBuster,
  isCacheBustError,
  type BustedFile,
  type CacheBuster,
  type CacheBustError,
  type ResolvedOptions,
} from "../../src/index.js";
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
  /** The hashes of the output directory's files, from {@link outputHashes}: kept from build to build. */
  hashes?: CacheBuster;
}

/**
 * A buster over the output directory that hashes its files as bytes (no transformer: the
 * plugin has already written the rewritten ones), with the core's reader and freshness rule,
 * so that under `--watch` a file unchanged since the last check is not read again.
 */
export function outputHashes(outDir: string, options: Readonly<ResolvedOptions>): CacheBuster {
  return createCacheBuster({
    root: outDir,
    algorithm: options.algorithm,
    length: options.length,
    trustAfterMs: options.trustAfterMs,
    validate: "always",
  });
}

function digest(bytes: Buffer, options: Readonly<ResolvedOptions>): string {
  return createHash(options.algorithm).update(bytes).digest("hex").slice(0, options.length);
}

function readIfFile(file: string): Buffer | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  // Only regular files are read: a FIFO put in the output directory must not block the build.
  return st?.isFile() ? fs.readFileSync(file) : undefined;
}

/**
 * The hash of the file the output directory holds at the entry's URL; `undefined` when there
 * is no regular file there. The URL is the one handed out: its query is not part of the file.
 */
function outputHash(entry: BustedFile, hashes: CacheBuster): string | undefined {
  try {
    return hashes.hash(entry.busted, { missing: "error" });
  } catch (error) {
    if (isCacheBustError(error) && (error.code === "MISSING_FILE" || error.code === "NOT_A_FILE")) return undefined;
    throw error;
  }
}

/** The problem with one entry, if the site does not serve its hashed bytes at its URL. */
function check(entry: BustedFile, target: VerifyTarget, hashes: CacheBuster): CacheBustError | undefined {
  const file = join(target.outDir, target.options.mode === "path" ? entry.fingerprinted : entry.urlPath);
  let hash = outputHash(entry, hashes);
  if (hash === undefined && target.servedFromSource) {
    const bytes = entry.content ?? readIfFile(entry.file);
    if (bytes !== undefined) hash = digest(bytes, target.options);
  }
  if (hash === undefined) {
    return pluginError(
      "MISSING_FILE",
      `the build handed out ${entry.busted}, but the output directory has no file ${file}`,
      { url: entry.busted, file },
    );
  }
  if (hash === entry.hash) return undefined;
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
  const hashes = target.hashes ?? outputHashes(target.outDir, target.options);
  const problems: CacheBustError[] = [];
  for (const entry of entries) {
    const problem = check(entry, target, hashes);
    if (problem) problems.push(problem);
  }
  return problems;
}
