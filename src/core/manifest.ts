import { basename, dirname } from "node:path";
import { writeInside, type GateOptions } from "./gate.js";
import { byCodeUnit } from "./order.js";
import type { BustedFile, CacheBuster } from "./types.js";

/** One file in a manifest: its busted URL and its hash. */
export interface ManifestEntry {
  url: string;
  hash: string;
}

/** `{ "/img/car.jpg": { url: "/img/car.jpg?v=<hash>", hash: "<hash>" } }`, keys sorted. */
export type Manifest = Record<string, ManifestEntry>;

const byUrlPath = (a: BustedFile, b: BustedFile) => byCodeUnit(a.urlPath, b.urlPath);

/**
 * The manifest of some busted files, keyed by URL path in code-unit order (URL paths start
 * with `/`, so no key is ever reordered as an array index would be).
 *
 * @example
 * buildManifest(buster.entries()) // { "/img/car.jpg": { url: "/img/car.jpg?v=3f2a9c1b0d", hash: "3f2a9c1b0d" } }
 */
export function buildManifest(files: readonly BustedFile[]): Manifest {
  const out: Manifest = {};
  for (const file of [...files].sort(byUrlPath)) out[file.urlPath] = { url: file.busted, hash: file.hash };
  return out;
}

/**
 * The manifest file's text: JSON, two-space indented, one trailing newline, so that the same
 * files always give the same bytes.
 *
 * @example
 * formatManifest(buster.entries()) // '{\n  "/img/car.jpg": {\n    "url": ...'
 */
export function formatManifest(files: readonly BustedFile[]): string {
  return `${JSON.stringify(buildManifest(files), null, 2)}\n`;
}

/** Where {@link writeManifest} may write, and how it reports a refusal. */
export interface ManifestWriteOptions extends Pick<GateOptions, "onWarning"> {
  /** Given: `file` is a path relative to it, and the write must stay inside it, links resolved. */
  outDir?: string;
}

/**
 * Writes the manifest of `source` (a buster, or the entries of one) to `file` atomically,
 * through the write gate: readers see the previous manifest or the new one, never half of
 * one. With `outDir`, `file` is relative to it and may not lead out of it (`OUTSIDE_OUTPUT`:
 * thrown, or reported to `onWarning` with a `false` result). Returns whether the file changed.
 *
 * @example
 * await writeManifest("cache-id.json", buster, { outDir: "_site" });
 */
export async function writeManifest(
  file: string,
  source: CacheBuster | readonly BustedFile[],
  options: ManifestWriteOptions = {},
): Promise<boolean> {
  const files = Array.isArray(source) ? (source as readonly BustedFile[]) : (source as CacheBuster).entries();
  const [outDir, dest] = options.outDir === undefined ? [dirname(file), basename(file)] : [options.outDir, file];
  return writeInside(outDir, dest, formatManifest(files), { onWarning: options.onWarning });
}
