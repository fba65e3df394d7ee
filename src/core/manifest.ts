import { writeFileAtomic } from "./emit.js";
import type { BustedFile, CacheBuster } from "./types.js";

/** One file in a manifest: its busted URL and its hash. */
export interface ManifestEntry {
  url: string;
  hash: string;
}

/** `{ "/img/car.jpg": { url: "/img/car.jpg?v=<hash>", hash: "<hash>" } }`, keys sorted. */
export type Manifest = Record<string, ManifestEntry>;

const byCodeUnit = (a: BustedFile, b: BustedFile) => (a.urlPath < b.urlPath ? -1 : a.urlPath > b.urlPath ? 1 : 0);

/**
 * The manifest of some busted files, keyed by URL path in code-unit order (URL paths start
 * with `/`, so no key is ever reordered as an array index would be).
 *
 * @example
 * buildManifest(buster.entries()) // { "/img/car.jpg": { url: "/img/car.jpg?v=3f2a9c1b0d", hash: "3f2a9c1b0d" } }
 */
export function buildManifest(files: readonly BustedFile[]): Manifest {
  const out: Manifest = {};
  for (const file of [...files].sort(byCodeUnit)) out[file.urlPath] = { url: file.busted, hash: file.hash };
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

/**
 * Writes the manifest of `source` (a buster, or the entries of one) to `file` atomically:
 * readers see the previous manifest or the new one, never half of one. Returns whether the
 * file changed.
 *
 * @example
 * await writeManifest("_site/cache-id.json", buster);
 */
export async function writeManifest(file: string, source: CacheBuster | readonly BustedFile[]): Promise<boolean> {
  const files = Array.isArray(source) ? (source as readonly BustedFile[]) : (source as CacheBuster).entries();
  return writeFileAtomic(file, formatManifest(files));
}
