import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { READ_FLAGS } from "./nonblocking.js";

/**
 * Earlier versions of small files, by URL path and hash, so that a page rendered before a
 * file changed still gets the bytes its URL names. Bounded by total bytes, the least recently
 * used dropped first. Owned by one handler.
 */
export function createVersions(limits: { maxBytes: number; maxFileBytes: number }, algorithm: string, length: number) {
  const kept = new Map<string, Buffer>();
  const pending = new Set<string>();
  let total = 0;
  const keyOf = (urlPath: string, hash: string) => `${urlPath}\0${hash}`;

  function put(key: string, bytes: Buffer): void {
    if (kept.has(key) || bytes.length > limits.maxFileBytes || bytes.length > limits.maxBytes) return;
    kept.set(key, bytes);
    total += bytes.length;
    for (const [oldest, b] of kept) {
      if (total <= limits.maxBytes) break;
      kept.delete(oldest);
      total -= b.length;
    }
  }

  return {
    /** The bytes kept for this URL path and hash, if any (marked as recently used). */
    get(urlPath: string, hash: string): Buffer | undefined {
      const key = keyOf(urlPath, hash);
      const bytes = kept.get(key);
      if (bytes) {
        kept.delete(key);
        kept.set(key, bytes);
      }
      return bytes;
    },
    /** Keeps `bytes` (already known to hash to `hash`) for this URL path. */
    keepBytes(urlPath: string, hash: string, bytes: Buffer): void {
      put(keyOf(urlPath, hash), bytes);
    },
    /** Reads a small file in the background and keeps it if its bytes still hash to `hash`. */
    keepFile(urlPath: string, hash: string, file: string, size: number): void {
      const key = keyOf(urlPath, hash);
      if (size > limits.maxFileBytes || kept.has(key) || pending.has(key)) return;
      pending.add(key);
      fs.readFile(file, { flag: READ_FLAGS }, (error, bytes) => {
        pending.delete(key);
        if (error || bytes.length !== size) return;
        if (createHash(algorithm).update(bytes).digest("hex").slice(0, length) === hash) put(key, bytes);
      });
    },
  };
}
