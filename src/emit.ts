import { randomBytes } from "node:crypto";
import * as fsp from "node:fs/promises";
import { dirname, join } from "node:path";
import { CacheBustError } from "./errors.js";
import { fingerprintName, renameLastSegment } from "./fingerprint.js";
import { readFileAsync } from "./read.js";
import type { BustedFile, ResolvedOptions } from "./types.js";

/** Writes `data` (or a copy of `source`) to `dest` through a temporary file and a rename. */
async function writeAtomically(dest: string, data: Buffer | { copyOf: string }): Promise<string> {
  await fsp.mkdir(dirname(dest), { recursive: true });
  const temp = join(dirname(dest), `.${randomBytes(6).toString("hex")}.cache-bust.tmp`);
  try {
    if (Buffer.isBuffer(data)) await fsp.writeFile(temp, data);
    else await fsp.copyFile(data.copyOf, temp);
    return temp;
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Writes a fingerprinted copy of each file into `outDir` at its URL path. A copy is hashed
 * after it is written and named by that hash, so a file that changed since it was hashed is
 * never written under a stale name (it is reported through `warn` instead).
 * Returns the paths written.
 */
export async function emitFiles(
  files: BustedFile[],
  outDir: string,
  options: ResolvedOptions,
  warn: (error: CacheBustError) => void,
): Promise<string[]> {
  const written: string[] = [];
  for (const file of files) {
    const dest = join(outDir, file.fingerprinted);
    if (file.content) {
      const temp = await writeAtomically(dest, file.content);
      await fsp.rename(temp, dest);
      written.push(dest);
      continue;
    }
    const temp = await writeAtomically(dest, { copyOf: file.file });
    try {
      const read = await readFileAsync(temp, file.urlPath, [options.algorithm], false);
      const hash = (read.digests[options.algorithm] as Buffer).toString("hex").slice(0, options.length);
      const actual = hash === file.hash ? dest : join(outDir, renameLastSegment(file.urlPath, (n) => fingerprintName(n, hash)));
      if (actual !== dest) {
        warn(new CacheBustError("MISSING_FILE", `cache-bust: ${file.file} changed after it was hashed (${file.hash}, now ${hash}); wrote ${actual}, and pages built before the change still name ${dest}`, { url: file.urlPath, file: file.file }));
      }
      await fsp.rename(temp, actual);
      written.push(actual);
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
  }
  return written;
}
