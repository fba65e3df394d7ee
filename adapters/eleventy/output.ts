import type { LayeredLookup } from "./lookup.js";

/** Writes what a build's busting needs in the output directory (filled in by issue 5). */
export async function writeBuildOutput(_lookup: LayeredLookup, _outDir: string, _manifestFile: string | undefined): Promise<void> {}
