import type { CacheBuster } from "../core/types.js";

/**
 * `current` (an `integrity` value such as `sha384-… sha512-…`) recomputed from the bytes served
 * at `url`, keeping its algorithms; `undefined` to leave it (no algorithm this tool computes).
 */
export function freshIntegrity(buster: CacheBuster, url: string, from: string, current: string): string | undefined {
  const tokens = current.trim().split(/[\t\n\f\r ]+/);
  let changed = false;
  const out = tokens.map((token) => {
    const algorithm = /^(sha256|sha384|sha512)-/.exec(token)?.[1];
    if (!algorithm) return token;
    const fresh = buster.integrity(url, algorithm, { from, missing: "ignore" });
    if (fresh === undefined) return token;
    changed ||= fresh !== token;
    return fresh;
  });
  return changed ? out.join(" ") : undefined;
}
