import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { basename, dirname, join, sep } from "node:path";
import { CacheBustError } from "./errors.js";
import { fingerprintName, renameLastSegment } from "./fingerprint.js";
import { readFileAsync, readFileSync } from "./read.js";
import type { BustedFile, ResolvedOptions } from "./types.js";

// `fs.promises`, not an import of "node:fs/promises": under Eleventy, whose module hooks see
// every import, each module imported adds about a millisecond to loading the plugin.
const fsp = fs.promises;

/** Temporary files are named so that a later run can recognise (and remove) leftovers. */
export const TEMP_FILE = /^\.[0-9a-f]{12}\.cache-id\.tmp$/;

function tempNameIn(dir: string): string {
  return join(dir, `.${randomBytes(6).toString("hex")}.cache-id.tmp`);
}

/** Writes `data` (or a copy of `source`) to a new temporary file next to `dest`; returns its path. */
async function writeTemp(dest: string, data: Buffer | string | { copyOf: string }, mode?: number): Promise<string> {
  await fsp.mkdir(dirname(dest), { recursive: true });
  const temp = tempNameIn(dirname(dest));
  try {
    if (typeof data === "string" || Buffer.isBuffer(data)) await fsp.writeFile(temp, data, { flag: "wx" });
    else await fsp.copyFile(data.copyOf, temp, fs.constants.COPYFILE_EXCL);
    if (mode !== undefined) await fsp.chmod(temp, mode & 0o7777);
    return temp;
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}

async function renameOrRemove(temp: string, dest: string): Promise<void> {
  try {
    await fsp.rename(temp, dest);
  } catch (error) {
    await fsp.rm(temp, { force: true });
    throw error;
  }
}

/**
 * Whether `dest` already holds exactly `data` (so rewriting it would change nothing). Read
 * through `read.ts`, which never blocks: `dest` may have become a FIFO since the `lstat`.
 */
async function holds(dest: string, data: Buffer): Promise<boolean> {
  const st = await fsp.lstat(dest).catch(() => undefined);
  if (!st?.isFile() || st.size !== data.length) return false;
  return readFileAsync(dest, dest, [], true).then(
    (read) => read.bytes?.equals(data) === true,
    () => false,
  );
}

/** {@link holds}, synchronously. */
function holdsSync(dest: string, data: Buffer): boolean {
  const st = fs.lstatSync(dest, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size !== data.length) return false;
  try {
    return readFileSync(dest, dest, [], true).bytes?.equals(data) === true;
  } catch {
    return false;
  }
}

/**
 * Replaces `dest` with `data` through a temporary file in the same directory and a rename, so
 * that a reader (or an interruption) sees the old file or the new one, never half of one.
 * Leaves `dest` untouched when it already holds `data`; returns whether it wrote.
 *
 * @example
 * await writeFileAtomic("public/cache-id.json", "{}\n"); // true
 */
export async function writeFileAtomic(dest: string, data: Buffer | string, options: { mode?: number } = {}): Promise<boolean> {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  if (await holds(dest, bytes)) return false;
  await renameOrRemove(await writeTemp(dest, bytes, options.mode), dest);
  return true;
}

/**
 * {@link writeFileAtomic}, synchronously: for a few files at the end of a build, where the
 * asynchronous one's five or six thread-pool round trips per file cost more than the writing
 * (50 stylesheets of 25 KB: about 2 ms here, against 6 to 30 ms side by side).
 *
 * @example
 * writeFileAtomicSync("_site/css/site.css", rewritten); // true
 */
export function writeFileAtomicSync(dest: string, data: Buffer | string): boolean {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  if (holdsSync(dest, bytes)) return false;
  fs.mkdirSync(dirname(dest), { recursive: true });
  const temp = tempNameIn(dirname(dest));
  try {
    fs.writeFileSync(temp, bytes, { flag: "wx" });
    fs.renameSync(temp, dest);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  return true;
}

function hashOf(read: { digests: Record<string, Buffer> }, options: ResolvedOptions): string {
  return (read.digests[options.algorithm] as Buffer).toString("hex").slice(0, options.length);
}

/** Whether `dest` is a regular file whose bytes hash to `hash`. */
async function alreadyThere(dest: string, hash: string, options: ResolvedOptions): Promise<boolean> {
  const st = await fsp.lstat(dest).catch(() => undefined);
  if (!st?.isFile()) return false;
  try {
    return hashOf(await readFileAsync(dest, dest, [options.algorithm], false), options) === hash;
  } catch {
    return false;
  }
}

/**
 * Whether a directory (created if missing) really lies inside `outDir`, symbolic links
 * followed: a copy is never written through a link that leads elsewhere.
 */
function insideCheck(outDir: string): (dir: string) => Promise<boolean> {
  const known = new Map<string, Promise<boolean>>();
  let top: Promise<string> | undefined;
  return (dir) => {
    let answer = known.get(dir);
    if (!answer) {
      answer = (async () => {
        top ??= fsp.mkdir(outDir, { recursive: true }).then(() => fsp.realpath(outDir));
        const root = await top;
        // Check the deepest directory that exists: those created below it are plain directories.
        let existing = dir;
        let real: string | undefined;
        while (real === undefined) {
          real = await fsp.realpath(existing).catch(() => undefined);
          if (real === undefined) {
            const up = dirname(existing);
            if (up === existing) return false;
            existing = up;
          }
        }
        const ok = real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
        if (ok) await fsp.mkdir(dir, { recursive: true });
        return ok;
      })();
      known.set(dir, answer);
    }
    return answer;
  };
}

/** Extra controls of {@link emitFiles}, for the CLI. */
export interface EmitControls {
  /** Stops between files once aborted. */
  signal?: AbortSignal;
  /** Told about each copy: its path, and whether it was written (false: already there). */
  onCopy?: (path: string, written: boolean) => void;
}

/**
 * Writes a fingerprinted copy of each file into `outDir` at its URL path, atomically. A copy
 * is hashed after it is written and named by that hash, so a file that changed since it was
 * hashed is never written under a stale name (it is reported through `warn` instead). A copy
 * that already exists with the right bytes is left alone, so a second run writes nothing.
 * Returns the path of every copy, written now or already there.
 */
export async function emitFiles(
  files: readonly BustedFile[],
  outDir: string,
  options: ResolvedOptions,
  warn: (error: CacheBustError) => void,
  controls: EmitControls = {},
): Promise<string[]> {
  const { signal, onCopy } = controls;
  const paths: string[] = [];
  const done = (path: string, written: boolean) => {
    paths.push(path);
    onCopy?.(path, written);
  };
  const inside = insideCheck(outDir);
  for (const file of files) {
    if (signal?.aborted) break;
    const dest = join(outDir, file.fingerprinted);
    if (!(await inside(dirname(dest)))) {
      warn(new CacheBustError("OUTSIDE_ROOT", `cache-id: not writing ${dest}: a symbolic link on the way leads out of ${outDir}`, { url: file.urlPath, file: dest }));
      continue;
    }
    if (file.content) {
      done(dest, await writeFileAtomic(dest, file.content));
      continue;
    }
    if (await alreadyThere(dest, file.hash, options)) {
      done(dest, false);
      continue;
    }
    const temp = await writeTemp(dest, { copyOf: file.file });
    let actual = dest;
    try {
      const hash = hashOf(await readFileAsync(temp, file.urlPath, [options.algorithm], false), options);
      if (hash !== file.hash) {
        actual = join(outDir, renameLastSegment(file.urlPath, (n) => fingerprintName(n, hash)));
        warn(new CacheBustError("MISSING_FILE", `cache-id: ${file.file} changed after it was hashed (${file.hash}, now ${hash}); wrote ${basename(actual)}, and pages built before the change still name ${dest}`, { url: file.urlPath, file: file.file }));
      }
    } catch (error) {
      await fsp.rm(temp, { force: true });
      throw error;
    }
    await renameOrRemove(temp, actual);
    done(actual, true);
  }
  return paths;
}
