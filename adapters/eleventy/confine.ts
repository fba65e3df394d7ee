import * as fs from "node:fs";
import { dirname, isAbsolute, relative, resolve } from "node:path";
import type { ContentTransformer } from "../../src/index.js";

/** Whether `path` is `dir` or inside it (both absolute). */
export function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/**
 * The real path of `path`, or of its nearest existing parent with the rest appended. The native
 * call (the C library's `realpath`, a `readlink` per path component, all in one call from
 * JavaScript), where `fs.realpathSync` made an lstat and JavaScript work per component: some
 * 30 ms of a 2,000-page build's profile.
 */
function realLocation(path: string): string {
  let at = resolve(path);
  const rest: string[] = [];
  for (;;) {
    try {
      return resolve(fs.realpathSync.native(at), ...rest);
    } catch {
      const parent = dirname(at);
      if (parent === at) return resolve(path);
      rest.unshift(at.slice(parent.length).replace(/^[\\/]/, ""));
      at = parent;
    }
  }
}

/**
 * Wraps transformers so that a file whose real path (symlinks resolved) is outside every
 * published directory is left as it is: Eleventy copies such a link as a link, so its
 * rewritten text could only be written through the link, into the package it points to.
 * It is hashed as the bytes the link serves, and `skipped` is told once.
 */
export function confineTransformers(
  transformers: readonly ContentTransformer[],
  dirs: readonly string[],
  skipped: (file: string, real: string) => void,
): ContentTransformer[] {
  const realDirs = dirs.map(realLocation);
  const outside = (file: string): boolean => {
    const real = realLocation(file);
    if (realDirs.some((d) => isInside(d, real))) return false;
    skipped(file, real);
    return true;
  };
  return transformers.map((t) => ({
    ...t,
    name: t.name,
    test: (urlPath, file) => t.test(urlPath, file) && !outside(file),
    transform: t.transform.bind(t),
  }));
}
