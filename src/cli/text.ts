import { isUtf8 } from "node:buffer";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { READ_FLAGS } from "../core/gate.js";
import { hexDigestsOf, type ReadScratch } from "../core/read.js";

/** A text file read so that writing it back gives the same bytes where nothing changed. */
export interface TextFile {
  text: string;
  encoding: "utf8" | "latin1";
  digest: string;
  mode: number;
  /** Whether the text's offsets are byte offsets too (latin1, or UTF-8 that is all ASCII). */
  bytewise: boolean;
}

/** Reads a text file as UTF-8, or byte for byte (latin1) when it is not UTF-8. */
export async function readText(file: string): Promise<TextFile> {
  const [bytes, st] = await Promise.all([fsp.readFile(file), fsp.stat(file)]);
  return textOf(bytes, st.mode);
}

/** SHA-256 of bytes (or of a string's UTF-8), to tell whether a file changed. */
export const digestOf = (bytes: Buffer | string) =>
  // One-shot for bytes (every page is hashed when planned and again when written).
  typeof bytes === "string"
    ? createHash("sha256").update(bytes).digest("hex")
    : (hexDigestsOf(["sha256"], bytes).sha256 as string);

/**
 * What a read gives: the text, read as UTF-8 or, when the bytes are not UTF-8, byte for byte
 * (latin1), so the bytes around the (ASCII) URLs survive the rewrite. `isUtf8` accepts exactly
 * the bytes that survive a round trip through a UTF-8 string, without making that string twice.
 */
export function textOf(bytes: Buffer, mode: number): TextFile {
  const encoding = isUtf8(bytes) ? "utf8" : "latin1";
  const text = bytes.toString(encoding);
  return { text, encoding, digest: digestOf(bytes), mode, bytewise: text.length === bytes.length };
}

/**
 * {@link readText}, synchronously, for a batch run where thread-pool round trips cost more
 * than the reading. Opened without following a final link and without blocking (a FIFO put
 * in a page's place), and read only if it is a regular file. The bytes go into `scratch`, a
 * buffer its owner reuses from page to page (the text returned is a copy; nothing keeps them).
 */
export function readTextSync(file: string, scratch: ReadScratch): TextFile {
  const fd = fs.openSync(file, READ_FLAGS);
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw Object.assign(new Error(`${file} is not a regular file`), { code: "NOT_A_FILE" });
    if (scratch.buffer.length < st.size + 1)
      scratch.buffer = Buffer.allocUnsafe(Math.max(st.size + 1, scratch.buffer.length * 2));
    const size = readToEnd(fd, scratch, st.size);
    return textOf(scratch.buffer.subarray(0, size), st.mode);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads an open regular file of `statSize` bytes into `scratch` (grown, up to `max` bytes, if
 * it is longer now) and returns how many bytes it holds: the whole file, or a full buffer of
 * `max` bytes when there is more. A short read that reaches `statSize` is the end, as in the
 * core's reader: no second call to find it (one system call per page).
 */
export function readToEnd(fd: number, scratch: ReadScratch, statSize: number, max = Infinity): number {
  let size = 0;
  for (;;) {
    if (size === scratch.buffer.length) {
      if (size >= max) return size;
      scratch.buffer = Buffer.concat([scratch.buffer], Math.min(Math.max(size * 2, 1 << 16), max));
    }
    const asked = scratch.buffer.length - size;
    const n = fs.readSync(fd, scratch.buffer, size, asked, size);
    size += n;
    if (n === 0 || (n < asked && size >= statSize)) return size;
  }
}
