import { createHash } from "node:crypto";
import * as fs from "node:fs";

/** Assets may be links inside the site (the core follows them); a FIFO in a file's place never blocks. */
const READ_FLAGS_FOLLOWING = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);
import type { BustedFile, ResolvedOptions } from "../core/types.js";
import { byCodeUnit } from "../core/order.js";
import { createReadScratch, hexDigestsOf, type ReadScratch } from "../core/read.js";
import { digestOf, readToEnd } from "./text.js";

/** `use` applied to an open regular file; `undefined` if it is not one or cannot be read. */
function withRegularFile<T>(file: string, use: (fd: number) => T): T | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, READ_FLAGS_FOLLOWING);
  } catch {
    return undefined;
  }
  try {
    return fs.fstatSync(fd).isFile() ? use(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Files up to this size are read whole into the check's scratch buffer and hashed in one go; larger ones in chunks. */
const WHOLE = 1 << 20;

/** The first `length` hex characters of `algorithm`'s digest of a file (bounded memory for any size). */
function hashFile(file: string, algorithm: string, length: number, scratch: ReadScratch): string | undefined {
  return withRegularFile(file, (fd) => {
    const size = fs.fstatSync(fd).size;
    if (scratch.buffer.length <= size)
      scratch.buffer = Buffer.allocUnsafe(Math.min(WHOLE, Math.max(size + 1, scratch.buffer.length * 2)));
    // While the file fits, whole; once it does not (or no longer does), a chunk at a time.
    const n = readToEnd(fd, scratch, size, WHOLE);
    if (n < scratch.buffer.length)
      return (hexDigestsOf([algorithm], scratch.buffer.subarray(0, n))[algorithm] as string).slice(0, length);
    const hash = createHash(algorithm).update(scratch.buffer);
    for (let at = n, got = -1; got !== 0; at += got) {
      got = fs.readSync(fd, scratch.buffer, 0, scratch.buffer.length, at);
      hash.update(scratch.buffer.subarray(0, got));
    }
    return hash.digest("hex").slice(0, length);
  });
}

/** A stylesheet's bytes (rewritten stylesheets are read whole anyway), or `undefined` if it is not a regular file. */
function readRegular(file: string): Buffer | undefined {
  return withRegularFile(file, (fd) => fs.readFileSync(fd));
}

/** Whether a file still holds the bytes it was hashed from. */
function unchanged(
  entry: BustedFile,
  sources: ReadonlyMap<string, string>,
  options: Pick<ResolvedOptions, "algorithm" | "length">,
  scratch: ReadScratch,
): boolean {
  const source = sources.get(entry.file);
  if (entry.content && source !== undefined) {
    // Hashed as its rewritten text: the file holds the text it was rewritten from, or (once
    // rewritten in place) the rewritten text itself.
    const bytes = readRegular(entry.file);
    return bytes !== undefined && (digestOf(bytes) === source || bytes.equals(entry.content));
  }
  return hashFile(entry.file, options.algorithm, options.length, scratch) === entry.hash;
}

/**
 * The files among `entries` whose bytes are no longer those their hash was made from (edited,
 * replaced or removed during the run): a URL naming one of them would carry a stale hash.
 * `sources` holds the digest of the text each rewritten stylesheet was made from.
 */
export function changedSince(
  entries: readonly BustedFile[],
  sources: ReadonlyMap<string, string>,
  options: Pick<ResolvedOptions, "algorithm" | "length">,
): string[] {
  const scratch = createReadScratch();
  return entries
    .filter((e) => !unchanged(e, sources, options, scratch))
    .map((e) => e.file)
    .sort(byCodeUnit);
}
