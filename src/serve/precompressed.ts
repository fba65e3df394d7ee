import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { READ_FLAGS } from "./nonblocking.js";
import { pipeline } from "node:stream";
import * as zlib from "node:zlib";
import Negotiator from "negotiator";
import type { IncomingMessage } from "node:http";

/** A compressed sibling of a file that decompresses to the same bytes. */
export interface Sibling {
  file: string;
  encoding: "br" | "gzip";
  stat: fs.Stats;
}

/** Negotiator 1's `encodings`, with the option its published types do not know yet. */
interface PreferringNegotiator {
  encodings(available: string[], options: { preferred: string[] }): string[];
}

const SUFFIX = { br: ".br", gzip: ".gz" } as const;
const MAX_KNOWN = 10_000;

function statFile(file: string): Promise<fs.Stats | undefined> {
  return new Promise((ok) => fs.stat(file, (e, st) => ok(e || !st.isFile() ? undefined : st)));
}

/**
 * The digest of a compressed file's decompressed bytes, or `undefined` when it does not
 * decompress or grows past `limit` bytes (then it cannot be the file it sits next to).
 */
function decompressedDigest(
  file: string,
  encoding: "br" | "gzip",
  algorithm: string,
  limit: number,
): Promise<string | undefined> {
  return new Promise((ok) => {
    const hash = createHash(algorithm);
    let total = 0;
    const unzip = encoding === "br" ? zlib.createBrotliDecompress() : zlib.createGunzip();
    unzip.on("data", (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) unzip.destroy(new Error("too large"));
      else hash.update(chunk);
    });
    // Non-blocking open: a FIFO put there must not hold a thread.
    const input = fs.createReadStream(file, { flags: READ_FLAGS });
    pipeline(input, unzip, (error) => ok(error ? undefined : hash.digest("hex")));
  });
}

/**
 * Finds precompressed siblings (`car.svg.br`, `car.svg.gz`) that the client accepts and that
 * decompress to the bytes of the hash being served. Each sibling version (path, size, mtime,
 * inode) is checked once; the results are kept in this object's bounded cache.
 */
export function createSiblings(encodings: ReadonlyArray<"br" | "gzip">, algorithm: string, length: number) {
  const known = new Map<string, Promise<string | undefined>>();
  function digestOf(file: string, encoding: "br" | "gzip", st: fs.Stats, limit: number): Promise<string | undefined> {
    const key = `${file}\0${st.size}\0${st.mtimeMs}\0${st.ino}\0${limit}`;
    let found = known.get(key);
    if (!found) {
      if (known.size >= MAX_KNOWN) known.clear();
      found = decompressedDigest(file, encoding, algorithm, limit);
      known.set(key, found);
    }
    return found;
  }
  return {
    /** The best accepted sibling of `file` whose bytes decompress to `hash`, if any. */
    async find(req: IncomingMessage, file: string, hash: string, size: number): Promise<Sibling | undefined> {
      if (encodings.length === 0 || !req.headers["accept-encoding"]) return undefined;
      const offered = [...encodings, "identity"];
      // At equal quality the server's order decides (br before gzip): negotiator 1's `preferred`, which its types lack.
      const accepted = (new Negotiator(req) as unknown as PreferringNegotiator).encodings(offered, {
        preferred: offered,
      });
      for (const encoding of accepted) {
        if (encoding !== "br" && encoding !== "gzip") break;
        const sibling = file + SUFFIX[encoding];
        const st = await statFile(sibling);
        if (!st) continue;
        const digest = await digestOf(sibling, encoding, st, size);
        if (digest !== undefined && digest.slice(0, length) === hash) return { file: sibling, encoding, stat: st };
      }
      return undefined;
    },
  };
}
