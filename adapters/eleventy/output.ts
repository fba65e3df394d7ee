import { formatManifest, writeInsideSync, type BustedFile, type CacheBustError } from "../../src/index.js";
import type { LayeredLookup } from "./lookup.js";

/** How a refused write is reported: thrown (a build) or warned about (watch and serve). */
export type Refused = (error: CacheBustError) => void;

/**
 * Writes `bytes` to `urlPath` in `outDir` through the package's one write gate: atomically,
 * and only if the destination's real location (symlinks resolved) stays inside `outDir`; a
 * refusal (`OUTSIDE_OUTPUT`) goes to `refused`. Returns whether it wrote.
 */
export function writeInOutput(outDir: string, urlPath: string, bytes: Buffer | string, refused: Refused): boolean {
  return writeInsideSync(outDir, urlPath.replace(/^\/+/, ""), bytes, { onWarning: refused });
}

/**
 * Writes what the URLs of a finished build need in the output directory: in `"path"` mode the
 * fingerprinted copies (`buster.emit`), in `"query"` mode the rewritten text of every
 * stylesheet whose references were busted (over Eleventy's passthrough copy of it), and the
 * manifest when `manifestFile` is set. Every write goes through the gate (path mode's `emit()`
 * too). `entries` is `lookup.entries()`, which the caller needs too.
 */
export async function writeBuildOutput(
  lookup: LayeredLookup,
  entries: BustedFile[],
  outDir: string,
  manifestFile: string | undefined,
  refused: Refused,
): Promise<void> {
  if (lookup.busters[0]?.options.mode === "path") {
    // Later layers first, so that where two layers hashed the same URL path the first one wins.
    for (const buster of [...lookup.busters].reverse()) await buster.emit(outDir);
  } else {
    // Written synchronously: the build is over, and for a few stylesheets the thread pool's
    // round trips cost more than the writes.
    for (const entry of entries) if (entry.content) writeInOutput(outDir, entry.urlPath, entry.content, refused);
  }
  if (manifestFile !== undefined) writeInOutput(outDir, `/${manifestFile}`, formatManifest(entries), refused);
}
