import { BoundedMap } from "./bounded.js";
import { CacheBustError } from "./errors.js";
import type { Candidate } from "./locate.js";
import type { CacheBustStats, MissingPolicy } from "./types.js";

/**
 * Whether an error says that the candidate's own file does not exist. A file that its
 * transformer's references name being missing (a stylesheet's image) is not: taken for one,
 * it sent the lookup on to the next candidate or root, such as an older copy in an output
 * directory, and a build passed with that copy's hash.
 */
export function isMissing(error: unknown, candidate: Candidate): error is CacheBustError {
  return error instanceof CacheBustError && error.code === "MISSING_FILE" && error.file === candidate.file;
}

/**
 * Applies the `missing` policy to one URL with no file: throws under `"error"`, warns once per
 * URL (until `clear()`, or until the bounded memory of warned URLs starts again) under
 * `"warn"`, counts it in every case.
 */
export class MissingReporter {
  readonly #warned = new BoundedMap<true>();

  constructor(
    readonly counters: CacheBustStats,
    readonly onWarning: (error: CacheBustError) => void,
  ) {}

  /** Reports `error` for `url` under `policy`. */
  report(url: string, error: CacheBustError, policy: MissingPolicy): void {
    this.counters.missing++;
    if (policy === "error") throw error;
    if (policy === "warn" && !this.#warned.has(url)) {
      this.#warned.set(url, true);
      this.onWarning(error);
    }
  }

  /** Warns again about every URL. */
  clear(): void {
    this.#warned.clear();
  }
}
