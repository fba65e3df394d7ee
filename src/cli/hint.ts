import * as fs from "node:fs";
import { join } from "node:path";
import { splitUrl } from "../core/url.js";
import type { Summary } from "./summary.js";

/** How many missing references are looked at to guess a `--base`. */
const SAMPLE = 200;

/** The prefixes (`/repo/`, `/a/b/`) whose removal makes a root-relative path name a file in `dir`. */
function prefixesFound(url: string, dir: string): string[] {
  const path = splitUrl(url)?.path;
  if (!path?.startsWith("/") || path.startsWith("//")) return [];
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return [];
  }
  const segments = decoded.split("/").slice(1);
  const out: string[] = [];
  for (let n = 1; n <= 3 && n < segments.length; n++) {
    if (fs.statSync(join(dir, ...segments.slice(n)), { throwIfNoEntry: false })?.isFile())
      out.push(`/${segments.slice(0, n).join("/")}/`);
  }
  return out;
}

/**
 * A hint for a site built under a path prefix and run without `--base`: when most references
 * miss and removing one prefix finds the files for most of them, the `--base` to use.
 *
 * @example
 * baseHint(summary, "public", "/") // "most references name no file, but would under --base /repo/: ..."
 */
export function baseHint(summary: Summary, dir: string, base: string): string | undefined {
  const missing = summary.problems.filter((p) => p.code === "MISSING_FILE");
  if (base !== "/" || missing.length * 2 <= summary.references) return undefined;
  const sample = missing.slice(0, SAMPLE);
  const votes = new Map<string, number>();
  for (const p of sample)
    for (const prefix of prefixesFound(p.url, dir)) votes.set(prefix, (votes.get(prefix) ?? 0) + 1);
  const [best, count] = [...votes].sort((a, b) => b[1] - a[1])[0] ?? [];
  if (best === undefined || (count as number) * 2 < sample.length) return undefined;
  return `most references name no file, but would under --base ${best}: the site seems to be built to be served there; run again with --base ${best}`;
}
