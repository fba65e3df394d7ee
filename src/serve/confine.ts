import * as fs from "node:fs";
import { sep } from "node:path";

/** Whether `file` is `dir` or inside it (both absolute, normalised). */
export function isInside(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function realpath(file: string): Promise<string | undefined> {
  return new Promise((ok) => fs.realpath.native(file, (error, real) => ok(error ? undefined : real)));
}

/**
 * Checks that files stay inside their root once symbolic links are resolved. The real path of
 * each root is found once (the handler's own cache); each file's on every check, since a link
 * may be changed at any time.
 */
export function createConfinement(roots: ReadonlyArray<{ dir: string }>) {
  const realRoots = new Map<string, Promise<string | undefined>>();
  const realRoot = (dir: string) => {
    let known = realRoots.get(dir);
    if (!known) realRoots.set(dir, (known = realpath(dir)));
    return known;
  };
  /** The root directory a file path lies in: the longest one. */
  const rootOf = (file: string) => {
    let best: string | undefined;
    for (const { dir } of roots)
      if (isInside(file, dir) && (best === undefined || dir.length > best.length)) best = dir;
    return best;
  };
  return {
    /** Whether `file`, links resolved, is inside the root it is named under. */
    async allows(file: string): Promise<boolean> {
      const dir = rootOf(file);
      if (dir === undefined) return false;
      const [realFile, realDir] = await Promise.all([realpath(file), realRoot(dir)]);
      return realFile !== undefined && realDir !== undefined && isInside(realFile, realDir);
    },
  };
}
