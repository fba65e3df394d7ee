import { createHash, hash as oneShotHash } from "node:crypto";
import * as fs from "node:fs";
import { CacheBustError, showUrl } from "./errors.js";

/** What identifies one version of a file without reading it. */
export interface FileIdentity {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

/** The outcome of reading a file once: its digests and what it was while being read. */
export interface FileRead {
  identity: FileIdentity;
  /** `Date.now()` just before the file was opened. */
  readStartedAt: number;
  /** Lowercase hex digest per algorithm asked for. */
  hex: Record<string, string>;
  /** Raw digest per algorithm asked for, made from `hex` on first use. */
  readonly digests: Record<string, Buffer>;
  /** The bytes, when asked to keep them. */
  bytes?: Buffer;
  /** Number of bytes read. */
  size: number;
}

/** Reads are done in chunks of this size, so memory stays bounded for any file size. */
export const CHUNK_SIZE = 1 << 20;

/** Largest buffer a {@link ReadScratch} keeps: what one cache buster holds on to between reads. */
export const SCRATCH_LIMIT = 1 << 18;

/**
 * A buffer that one owner's synchronous reads share, so that hashing many small files does not
 * allocate (and later free) a buffer per file: reading small files into reused memory measured
 * ~5% faster than `readFileSync`, which allocates one each time. Only for reads whose bytes are
 * not kept.
 */
export interface ReadScratch {
  buffer: Buffer;
}

/** An empty {@link ReadScratch}; it grows to the largest small file read, up to `SCRATCH_LIMIT`. */
export function createReadScratch(): ReadScratch {
  return { buffer: Buffer.alloc(0) };
}

/** A buffer of at least `size` bytes: the scratch's (grown if need be) or, past its limit, a new one. */
function bufferFor(size: number, scratch: ReadScratch | undefined): Buffer {
  if (!scratch || size > SCRATCH_LIMIT) return Buffer.allocUnsafe(size);
  if (scratch.buffer.length < size) scratch.buffer = Buffer.allocUnsafe(Math.min(Math.max(size, scratch.buffer.length * 2), SCRATCH_LIMIT));
  return scratch.buffer;
}

// O_NONBLOCK makes opening a FIFO return at once instead of waiting for a writer.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/** The identity fields of a `Stats`. */
export function identityOf(st: fs.Stats): FileIdentity {
  return { size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs, ino: st.ino, dev: st.dev };
}

/** Whether a `Stats` (or another identity) still describes the file version `id` was taken from. */
export function sameIdentity(id: FileIdentity, st: FileIdentity): boolean {
  return id.size === st.size && id.mtimeMs === st.mtimeMs && id.ctimeMs === st.ctimeMs && id.ino === st.ino && id.dev === st.dev;
}

/** Turns an `fs` error (or a non-regular file) into a `CacheBustError` naming URL and file. */
export function fileError(url: unknown, file: string, error: NodeJS.ErrnoException | "not-a-file"): CacheBustError {
  const shown = showUrl(url);
  if (error === "not-a-file") {
    return new CacheBustError("NOT_A_FILE", `cache-id: URL ${shown} resolves to ${file}, which is not a regular file`, { url, file });
  }
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR":
      return new CacheBustError("MISSING_FILE", `cache-id: no file for URL ${shown}: ${file} does not exist`, { url, file, cause: error });
    case "ENAMETOOLONG":
      return new CacheBustError("BAD_URL", `cache-id: URL ${shown} is too long for a file name: ${file}`, { url, file, cause: error });
    default:
      return new CacheBustError("NOT_A_FILE", `cache-id: URL ${shown} resolves to ${file}, which cannot be read (${error.code ?? error.message})`, { url, file, cause: error });
  }
}

// Hex digests, not Buffers: a one-shot hash to a hex string saves ~0.5 µs per file over one to
// a Buffer (no ArrayBuffer to allocate), and the hex is what a URL needs.
function hexDigestsOf(algorithms: readonly string[], data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const algorithm of algorithms) {
    out[algorithm] = typeof oneShotHash === "function" ? oneShotHash(algorithm, data, "hex") : createHash(algorithm).update(data).digest("hex");
  }
  return out;
}

/**
 * A `FileRead` whose raw digests are only decoded from hex when asked for (SRI's base64 needs
 * them). A class, not an object literal with a getter: V8 builds such a literal ~50x slower.
 */
class Read implements FileRead {
  #raw: Record<string, Buffer> | undefined;

  constructor(
    readonly identity: FileIdentity,
    readonly readStartedAt: number,
    readonly hex: Record<string, string>,
    readonly bytes: Buffer | undefined,
    readonly size: number,
  ) {}

  get digests(): Record<string, Buffer> {
    if (!this.#raw) {
      this.#raw = {};
      for (const algorithm of Object.keys(this.hex)) this.#raw[algorithm] = Buffer.from(this.hex[algorithm] as string, "hex");
    }
    return this.#raw;
  }
}

/** Digests of in-memory bytes, the same shape as a file read's. */
export function digestBytes(algorithms: readonly string[], data: Buffer): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const algorithm of algorithms) {
    out[algorithm] = typeof oneShotHash === "function"
      ? (oneShotHash(algorithm, data, "buffer") as unknown as Buffer)
      : createHash(algorithm).update(data).digest();
  }
  return out;
}

/**
 * Opens, checks and digests a regular file synchronously, in bounded memory. Throws
 * `MISSING_FILE` / `NOT_A_FILE`; never blocks on a FIFO or device. `scratch`, when given and
 * the bytes are not kept, is the buffer small files are read into.
 */
export function readFileSync(file: string, url: unknown, algorithms: readonly string[], keepBytes: boolean, scratch?: ReadScratch): FileRead {
  const readStartedAt = Date.now();
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (error) {
    throw fileError(url, file, error as NodeJS.ErrnoException);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw fileError(url, file, "not-a-file");
    const identity = identityOf(st);
    // Small files: one read, one-shot digests. Reading one byte more than the size tells
    // whether the file grew while we looked.
    if (st.size < CHUNK_SIZE) {
      const want = st.size + 1;
      // Kept bytes must not be overwritten by the next read: they get a buffer of their own.
      const buffer = bufferFor(want, keepBytes ? undefined : scratch);
      let filled = 0;
      let n: number;
      // A short read of a regular file is its end: no second read (syscall) to find it.
      while (filled < want && (n = fs.readSync(fd, buffer, filled, want - filled, null)) > 0) {
        const asked = want - filled;
        filled += n;
        if (n < asked) break;
      }
      if (filled <= st.size) {
        const data = buffer.subarray(0, filled);
        return new Read(identity, readStartedAt, hexDigestsOf(algorithms, data), keepBytes ? data : undefined, filled);
      }
      return streamSync(fd, identity, readStartedAt, algorithms, keepBytes, buffer.subarray(0, filled));
    }
    return streamSync(fd, identity, readStartedAt, algorithms, keepBytes, Buffer.alloc(0));
  } finally {
    fs.closeSync(fd);
  }
}

function streamSync(fd: number, identity: FileIdentity, readStartedAt: number, algorithms: readonly string[], keepBytes: boolean, head: Buffer): FileRead {
  const hashes = algorithms.map((a) => createHash(a));
  const kept: Buffer[] = [];
  const take = (chunk: Buffer) => {
    for (const h of hashes) h.update(chunk);
    if (keepBytes) kept.push(Buffer.from(chunk));
  };
  let size = head.length;
  if (head.length > 0) take(head);
  const chunk = Buffer.allocUnsafe(CHUNK_SIZE);
  let n: number;
  while ((n = fs.readSync(fd, chunk, 0, CHUNK_SIZE, null)) > 0) {
    size += n;
    take(chunk.subarray(0, n));
  }
  const hex: Record<string, string> = {};
  algorithms.forEach((a, i) => (hex[a] = (hashes[i] as ReturnType<typeof createHash>).digest("hex")));
  return new Read(identity, readStartedAt, hex, keepBytes ? Buffer.concat(kept) : undefined, size);
}

/**
 * What {@link readFileCallback} calls once: with an error, or with `undefined` and the read. It
 * runs inside an `fs` callback, so it must not throw.
 */
export type ReadCallback = (error: unknown, read?: FileRead) => void;

/** The same as {@link readFileSync}, without blocking the event loop. */
export function readFileAsync(file: string, url: unknown, algorithms: readonly string[], keepBytes: boolean): Promise<FileRead> {
  return new Promise<FileRead>((resolve, reject) => {
    readFileCallback(file, url, algorithms, keepBytes, (error, read) => (error === undefined ? resolve(read as FileRead) : reject(error)));
  });
}

/**
 * {@link readFileAsync} with a callback. Written with callbacks, not `await`: a promise per
 * step costs main-thread time that many small reads in parallel (a page's worth of `urlAsync`
 * calls) notice.
 */
export function readFileCallback(file: string, url: unknown, algorithms: readonly string[], keepBytes: boolean, callback: ReadCallback): void {
  const readStartedAt = Date.now();
  try {
    fs.open(file, OPEN_FLAGS, (openError, fd) => {
      if (openError) callback(fileError(url, file, openError));
      else readOpenFile(fd, file, url, algorithms, keepBytes, readStartedAt, callback);
    });
  } catch (error) {
    callback(fileError(url, file, error as NodeJS.ErrnoException)); // a path fs rejects before trying
  }
}

/** Reads and digests an open descriptor, closing it before settling, whatever happens. */
function readOpenFile(
  fd: number,
  file: string,
  url: unknown,
  algorithms: readonly string[],
  keepBytes: boolean,
  readStartedAt: number,
  callback: ReadCallback,
): void {
  const settle = (error: unknown, read?: FileRead) => {
    try {
      fs.closeSync(fd);
    } catch (closeError) {
      error ??= closeError;
    }
    callback(error, read);
  };
  let identity: FileIdentity;
  let buffer: Buffer;
  try {
    // fstat and close of an open descriptor never wait on file data or a FIFO writer; each
    // thread-pool round trip costs more main-thread time than the call itself.
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw fileError(url, file, "not-a-file");
    identity = identityOf(st);
    buffer = Buffer.allocUnsafe(Math.min(st.size + 1, CHUNK_SIZE));
  } catch (error) {
    settle(error);
    return;
  }
  // Created only once the buffer overflows: a big file, or a small one that grew.
  let hashes: ReturnType<typeof createHash>[] | undefined;
  const kept: Buffer[] = [];
  const stream = (chunk: Buffer) => {
    hashes ??= algorithms.map((a) => createHash(a));
    for (const h of hashes) h.update(chunk);
    if (keepBytes) kept.push(Buffer.from(chunk));
  };
  let size = 0;
  let filled = 0;
  const finish = (): FileRead => {
    const rest = buffer.subarray(0, filled);
    if (!hashes) return new Read(identity, readStartedAt, hexDigestsOf(algorithms, rest), keepBytes ? Buffer.from(rest) : undefined, size);
    if (rest.length > 0) stream(rest);
    const hex: Record<string, string> = {};
    algorithms.forEach((a, i) => (hex[a] = hashes![i]!.digest("hex")));
    return new Read(identity, readStartedAt, hex, keepBytes ? Buffer.concat(kept) : undefined, size);
  };
  const onRead = (readError: NodeJS.ErrnoException | null, n: number) => {
    if (readError) {
      settle(readError);
      return;
    }
    let result: FileRead | undefined;
    try {
      filled += n;
      size += n;
      if (n > 0 && filled === buffer.length) {
        stream(buffer.subarray(0, filled));
        filled = 0;
      } else {
        result = finish(); // a read of 0 bytes, or a short read of a regular file, is its end
      }
    } catch (error) {
      settle(error);
      return;
    }
    if (result) settle(undefined, result);
    else readNext();
  };
  const readNext = () => {
    try {
      fs.read(fd, buffer, filled, buffer.length - filled, null, onRead);
    } catch (error) {
      settle(error);
    }
  };
  readNext();
}
