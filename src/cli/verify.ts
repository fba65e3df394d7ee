import { createHash } from "node:crypto";
import * as fs from "node:fs";
import type { BustedFile, ResolvedOptions } from "../core/types.js";
import { byCodeUnit } from "./order.js";
import { digestOf } from "./text.js";

/** The first `length` hex characters of `algorithm`'s digest of a file, read as a stream (bounded memory). */
function hashFile(file: string, algorithm: string, length: number): Promise<string | undefined> {
  return new Promise((ok) => {
    const hash = createHash(algorithm);
    fs.createReadStream(file)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", () => ok(undefined))
      .on("end", () => ok(hash.digest("hex").slice(0, length)));
  });
}

/** Whether a file still holds the bytes it was hashed from. */
async function unchanged(entry: BustedFile, sources: ReadonlyMap<string, string>, options: Pick<ResolvedOptions, "algorithm" | "length">): Promise<boolean> {
  const source = sources.get(entry.file);
  if (entry.content && source !== undefined) {
    // Hashed as its rewritten text: the file holds the text it was rewritten from, or (once
    // rewritten in place) the rewritten text itself.
    const bytes = await fs.promises.readFile(entry.file).catch(() => undefined);
    return bytes !== undefined && (digestOf(bytes) === source || bytes.equals(entry.content));
  }
  return (await hashFile(entry.file, options.algorithm, options.length)) === entry.hash;
}

/**
 * The files among `entries` whose bytes are no longer those their hash was made from (edited,
 * replaced or removed during the run): a URL naming one of them would carry a stale hash.
 * `sources` holds the digest of the text each rewritten stylesheet was made from.
 */
export async function changedSince(entries: readonly BustedFile[], sources: ReadonlyMap<string, string>, options: Pick<ResolvedOptions, "algorithm" | "length">): Promise<string[]> {
  const changed: string[] = [];
  const queue = [...entries];
  // A few reads at a time: enough to keep the disk busy without opening every file at once.
  const worker = async () => {
    for (let e = queue.shift(); e !== undefined; e = queue.shift()) if (!(await unchanged(e, sources, options))) changed.push(e.file);
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return changed.sort(byCodeUnit);
}
