import type { Entry, HashCache } from "./cache.js";
import { CacheBustError, showUrl } from "./errors.js";
import { digestBytes, readFileSync, sameIdentity } from "./read.js";
import type { Resolution } from "./resolve.js";
import type { ResolvedOptions } from "./types.js";

/** The algorithms Subresource Integrity allows. */
export const SRI_ALGORITHMS = ["sha256", "sha384", "sha512"];

/** Throws `BAD_ARGUMENT` unless `algorithm` is one SRI allows. */
export function checkSriAlgorithm(algorithm: string, url: unknown): void {
  if (!SRI_ALGORITHMS.includes(algorithm)) {
    throw new CacheBustError(
      "BAD_ARGUMENT",
      `cache-id: integrity algorithm must be one of ${SRI_ALGORITHMS.join(", ")}, got ${JSON.stringify(algorithm)}`,
      { url },
    );
  }
}

/**
 * The SRI value of an entry's served bytes, or `undefined` when the file no longer is what was
 * hashed (the entry is then dropped, for the caller to resolve again). Rewritten bytes are in
 * memory; a plain file is read once more, for both digests, so that they agree.
 */
function sriOf(
  entry: Entry,
  url: unknown,
  algorithm: string,
  opts: ResolvedOptions,
  cache: HashCache,
): string | undefined {
  const known = entry.integrity?.get(algorithm);
  if (known) return known;
  let digest: Buffer;
  if (entry.content) {
    digest = digestBytes([algorithm], entry.content)[algorithm] as Buffer;
  } else {
    const read = readFileSync(entry.candidate.file, url, [opts.algorithm, algorithm], false);
    if (
      (read.hex[opts.algorithm] as string).slice(0, opts.length) !== entry.rawHash ||
      !sameIdentity(entry.identity, read.identity)
    ) {
      cache.forget(entry.key);
      return undefined;
    }
    digest = read.digests[algorithm] as Buffer;
  }
  const value = `${algorithm}-${digest.toString("base64")}`;
  (entry.integrity ??= new Map()).set(algorithm, value);
  return value;
}

/**
 * A Subresource Integrity value for a URL: `resolve` gives its entry (again, after a change
 * seen while digesting), `otherwise` answers a resolution that is not a file.
 */
export function integrityFor(
  url: unknown,
  algorithm: string,
  opts: ResolvedOptions,
  cache: HashCache,
  resolve: () => Resolution,
  otherwise: (resolution: Resolution) => string | undefined,
): string | undefined {
  // A second read might see a newer file than the one hashed: retry until both agree.
  for (let attempt = 0; attempt < 5; attempt++) {
    const resolution = resolve();
    if (resolution.kind !== "file") return otherwise(resolution);
    const value = sriOf(resolution.entry, url, algorithm, opts, cache);
    if (value !== undefined) return value;
  }
  throw new CacheBustError(
    "FILE_CHANGING",
    `cache-id: URL ${showUrl(url)} kept changing while its integrity was computed`,
    { url },
  );
}
