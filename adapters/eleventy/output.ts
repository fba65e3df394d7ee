import { join, resolve, sep } from "node:path";
import { writeFileAtomicSync } from "../../src/core/emit.js";
import { CacheBustError, type BustedFile } from "../../src/index.js";
import { writeManifest } from "../../src/core/manifest.js";
import type { LayeredLookup } from "./lookup.js";

/** Where in the output directory a URL path's file goes; never outside it. */
function outputFile(outDir: string, urlPath: string): string {
  const file = resolve(join(outDir, urlPath));
  if (!file.startsWith(resolve(outDir) + sep)) {
    throw new CacheBustError("OUTSIDE_ROOT", `cache-id/eleventy: ${JSON.stringify(urlPath)} would be written outside the output directory ${outDir}`, { url: urlPath, file });
  }
  return file;
}

/**
 * Writes what the URLs of a finished build need in the output directory: in `"path"` mode the
 * fingerprinted copies (`buster.emit`), in `"query"` mode the rewritten text of every
 * stylesheet whose references were busted (over Eleventy's passthrough copy of it), and the
 * manifest when `manifestFile` is set. Everything is written atomically. `entries` is
 * `lookup.entries()`, which the caller needs too (listing 500 files takes a millisecond or two).
 */
export async function writeBuildOutput(lookup: LayeredLookup, entries: BustedFile[], outDir: string, manifestFile: string | undefined): Promise<void> {
  const pathMode = lookup.busters[0]?.options.mode === "path";
  if (pathMode) {
    // Later layers first, so that where two layers hashed the same URL path the first one wins.
    for (const buster of [...lookup.busters].reverse()) await buster.emit(outDir);
  } else {
    // `entries()` lists each URL path once, from the first layer that hashed it. Written
    // synchronously: the build is over, and for a few stylesheets the thread pool's round
    // trips cost more than the writes. Every destination is checked before the first write.
    const files = entries.flatMap((entry) => (entry.content ? [{ file: outputFile(outDir, entry.urlPath), content: entry.content }] : []));
    for (const { file, content } of files) writeFileAtomicSync(file, content);
  }
  if (manifestFile !== undefined) await writeManifest(outputFile(outDir, `/${manifestFile.replace(/^[\\/]+/, "")}`), entries);
}
