import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { READ_FLAGS } from "./nonblocking.js";
import { pipeline } from "node:stream";
import { Writable } from "node:stream";

/** A file's hash and the stat it was taken under. */
export interface FileHash {
  hash: string;
  size: number;
  mtimeMs: number;
}

const MAX_KNOWN = 10_000;

function statRegular(file: string): Promise<fs.Stats | undefined> {
  return new Promise((ok) => fs.stat(file, (e, st) => ok(e || !st.isFile() ? undefined : st)));
}

function digestFile(file: string, algorithm: string): Promise<string | undefined> {
  return new Promise((ok) => {
    const hash = createHash(algorithm);
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (hash.update(chunk), done()) });
    const input = fs.createReadStream(file, { flags: READ_FLAGS });
    pipeline(input, sink, (error) => ok(error ? undefined : hash.digest("hex")));
  });
}

/**
 * Hashes files the buster does not know (fingerprinted copies an earlier build left on disk),
 * each version (path, size, mtime, ctime, inode) once, in this object's bounded cache.
 */
export function createFileHasher(algorithm: string, length: number) {
  const known = new Map<string, Promise<string | undefined>>();
  return {
    /** The hash of a regular file, or `undefined` if there is none or it cannot be read. */
    async hash(file: string): Promise<FileHash | undefined> {
      const st = await statRegular(file);
      if (!st) return undefined;
      const key = `${file}\0${st.size}\0${st.mtimeMs}\0${st.ctimeMs}\0${st.ino}`;
      let digest = known.get(key);
      if (!digest) {
        if (known.size >= MAX_KNOWN) known.clear();
        digest = digestFile(file, algorithm);
        known.set(key, digest);
      }
      const hex = await digest;
      return hex === undefined ? undefined : { hash: hex.slice(0, length), size: st.size, mtimeMs: st.mtimeMs };
    },
  };
}
