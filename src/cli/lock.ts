import * as fs from "node:fs";
import { join } from "node:path";
import { UsageError } from "./args.js";

/** The lock file a writing run keeps in the site directory. */
export const LOCK_FILE = ".cache-id.lock";

/** A second run on a directory another run is writing: exit 1, with the message. */
export class SiteLocked extends Error {
  override name = "SiteLocked";
}

/** A lock younger than this without a pid may still be being written by its run. */
const FRESH_MS = 2000;

/** Whether a process with this id is running (EPERM: it is, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The pid a lock file names, or `undefined` when it names none (half-written, not a file). */
function holderOf(file: string): number | undefined {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st?.isFile() || st.size > 64) return undefined;
  const pid = Number(fs.readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Takes the site directory's lock for a run that writes, so that a second run on the same
 * directory is refused instead of removing the first one's temporary files. The lock holds
 * the pid: a lock whose process is gone (a killed run) is taken over. Returns the release.
 */
export function lockSite(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const st = fs.lstatSync(file, { throwIfNoEntry: false });
    if (st && !st.isFile()) throw new UsageError(`${file} is not a lock file this tool wrote; remove it to run`);
    const holder = holderOf(file);
    const young = holder === undefined && st !== undefined && Date.now() - st.mtimeMs < FRESH_MS;
    if (young || (holder !== undefined && holder !== process.pid && alive(holder))) {
      throw new SiteLocked(
        `another cache-id run (pid ${holder ?? "starting"}) is working on ${dir}; wait for it to finish (or remove ${file} if no run is active)`,
      );
    }
    fs.rmSync(file, { force: true }); // left by a run that was killed
  }
  throw new SiteLocked(`could not take the lock ${file}`);
}
