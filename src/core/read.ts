import { createHash, hash as oneShotHash } from "node:crypto";
import * as fs from "node:fs";
import { CacheBustError, showUrl } from "./errors.js";
import { runAsync, runSync, type Done, type Resume } from "./steps.js";

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
  /** Lowercase hex digest per algorithm asked for (of kept bytes, made when first asked for). */
  readonly hex: Record<string, string>;
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
  if (scratch.buffer.length < size)
    scratch.buffer = Buffer.allocUnsafe(Math.min(Math.max(size, scratch.buffer.length * 2), SCRATCH_LIMIT));
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
  return (
    id.size === st.size &&
    id.mtimeMs === st.mtimeMs &&
    id.ctimeMs === st.ctimeMs &&
    id.ino === st.ino &&
    id.dev === st.dev
  );
}

/** `fs` error codes that mean a path names something that is not a regular file. */
const NOT_A_FILE_CODES = new Set(["EISDIR", "ELOOP", "ENXIO", "ENODEV", "EOPNOTSUPP"]);

/**
 * Turns an `fs` error (or a non-regular file) into a `CacheBustError` naming URL and file:
 * `MISSING_FILE`, `BAD_URL` (a name too long), `PERMISSION_DENIED`, `NOT_A_FILE`, and
 * `READ_ERROR` for any other failure (EIO, EAGAIN, EINVAL... from a read after the open).
 */
export function fileError(url: unknown, file: string, error: NodeJS.ErrnoException | "not-a-file"): CacheBustError {
  const shown = showUrl(url);
  if (error === "not-a-file" || NOT_A_FILE_CODES.has(error.code ?? "")) {
    const cause = error === "not-a-file" ? undefined : error;
    return new CacheBustError("NOT_A_FILE", `cache-id: URL ${shown} resolves to ${file}, which is not a regular file`, {
      url,
      file,
      cause,
    });
  }
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR":
      return new CacheBustError("MISSING_FILE", `cache-id: no file for URL ${shown}: ${file} does not exist`, {
        url,
        file,
        cause: error,
      });
    case "ENAMETOOLONG":
      return new CacheBustError("BAD_URL", `cache-id: URL ${shown} is too long for a file name: ${file}`, {
        url,
        file,
        cause: error,
      });
    case "EACCES":
    case "EPERM":
      return new CacheBustError(
        "PERMISSION_DENIED",
        `cache-id: URL ${shown} resolves to ${file}, which this process may not read (${error.code})`,
        { url, file, cause: error },
      );
    default:
      return new CacheBustError(
        "READ_ERROR",
        `cache-id: URL ${shown} resolves to ${file}, whose read failed (${error.code ?? error.message})`,
        { url, file, cause: error },
      );
  }
}

/**
 * Lowercase hex digests of bytes, per algorithm. Hex, not Buffers: a one-shot hash to a hex
 * string saves ~0.5 µs per file over one to a Buffer (no ArrayBuffer to allocate), and the hex
 * is what a URL needs.
 */
export function hexDigestsOf(algorithms: readonly string[], data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const algorithm of algorithms) {
    out[algorithm] =
      typeof oneShotHash === "function"
        ? oneShotHash(algorithm, data, "hex")
        : createHash(algorithm).update(data).digest("hex");
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
    /** `undefined` for kept bytes read in one go: made from them on first use. */
    private hexDigests: Record<string, string> | undefined,
    readonly bytes: Buffer | undefined,
    readonly size: number,
    readonly algorithms: readonly string[],
  ) {}

  get hex(): Record<string, string> {
    return (this.hexDigests ??= hexDigestsOf(this.algorithms, this.bytes as Buffer));
  }

  get digests(): Record<string, Buffer> {
    if (!this.#raw) {
      this.#raw = {};
      for (const algorithm of Object.keys(this.hex))
        this.#raw[algorithm] = Buffer.from(this.hex[algorithm] as string, "hex");
    }
    return this.#raw;
  }
}

/** Digests of in-memory bytes, the same shape as a file read's. */
export function digestBytes(algorithms: readonly string[], data: Buffer): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const algorithm of algorithms) {
    out[algorithm] =
      typeof oneShotHash === "function"
        ? (oneShotHash(algorithm, data, "buffer") as unknown as Buffer)
        : createHash(algorithm).update(data).digest();
  }
  return out;
}

/** Above this size, a file a transformer would rewrite is hashed as bytes, streamed, and not rewritten. */
export const MAX_REWRITE_BYTES = 32 << 20;

/** The I/O a read asks its driver for. */
type ReadOp =
  | { op: "open"; file: string }
  | { op: "fstat"; fd: number }
  | { op: "read"; fd: number; buffer: Buffer; offset: number; length: number }
  | { op: "close"; fd: number };

type ReadStep<T> = Generator<ReadOp, T, unknown>;

/**
 * Opens, checks and digests a regular file, in bounded memory, closing it whatever happens.
 * Throws a `CacheBustError` (see {@link fileError}); never blocks on a FIFO or device. Bytes are
 * kept only when asked and up to {@link MAX_REWRITE_BYTES}.
 */
function* readSteps(
  file: string,
  url: unknown,
  algorithms: readonly string[],
  keepBytes: boolean,
  scratch?: ReadScratch,
): ReadStep<FileRead> {
  const readStartedAt = Date.now();
  let fd: number;
  try {
    fd = (yield { op: "open", file }) as number;
  } catch (error) {
    throw fileError(url, file, error as NodeJS.ErrnoException);
  }
  try {
    const st = (yield { op: "fstat", fd }) as fs.Stats;
    if (!st.isFile()) throw fileError(url, file, "not-a-file");
    const keep = keepBytes && st.size <= MAX_REWRITE_BYTES;
    // Kept bytes must not be overwritten by the next read: they get a buffer of their own.
    const read = yield* digestSteps(fd, st.size, algorithms, keep, keep ? undefined : scratch);
    return new Read(identityOf(st), readStartedAt, read.hex, read.bytes, read.size, algorithms);
  } catch (error) {
    throw error instanceof CacheBustError ? error : fileError(url, file, error as NodeJS.ErrnoException);
  } finally {
    yield { op: "close", fd };
  }
}

/** What {@link digestSteps} gives. */
interface Digested {
  /** `undefined` when the bytes are kept and were read in one go: whoever needs it hashes them. */
  hex: Record<string, string> | undefined;
  bytes: Buffer | undefined;
  size: number;
}

/**
 * Reads an open file to its end and digests it. A small file takes one read of its size plus
 * one byte (which tells whether it grew) and one-shot digests; a bigger one (or one that grew)
 * streams through hashes in chunks. A short read of a regular file is its end: no second read.
 */
function* digestSteps(
  fd: number,
  statSize: number,
  algorithms: readonly string[],
  keep: boolean,
  scratch: ReadScratch | undefined,
): ReadStep<Digested> {
  let want = Math.min(statSize + 1, CHUNK_SIZE);
  let buffer = bufferFor(want, scratch);
  let hashes: ReturnType<typeof createHash>[] | undefined;
  let kept: Buffer[] | undefined = keep ? [] : undefined;
  let size = 0;
  let filled = 0;
  for (;;) {
    const n = (yield { op: "read", fd, buffer, offset: filled, length: want - filled }) as number;
    filled += n;
    size += n;
    if (n === 0 || filled < want) break;
    hashes ??= algorithms.map((a) => createHash(a));
    for (const h of hashes) h.update(buffer.subarray(0, filled));
    kept?.push(Buffer.from(buffer.subarray(0, filled)));
    if (kept && size > MAX_REWRITE_BYTES) kept = undefined; // it grew past the limit: hash it, keep nothing
    filled = 0;
    if (want < CHUNK_SIZE) buffer = Buffer.allocUnsafe((want = CHUNK_SIZE));
  }
  const rest = buffer.subarray(0, filled);
  // Kept bytes were read into a buffer of their own (see readSteps): one read needs no copy. Nor
  // a hash yet: a transformer that rewrites them makes the hash of its text instead.
  if (!hashes) return { hex: kept ? undefined : hexDigestsOf(algorithms, rest), bytes: kept ? rest : undefined, size };
  for (const h of hashes) h.update(rest);
  kept?.push(Buffer.from(rest));
  const hex: Record<string, string> = {};
  algorithms.forEach((a, i) => (hex[a] = (hashes as ReturnType<typeof createHash>[])[i]!.digest("hex")));
  return { hex, bytes: kept ? Buffer.concat(kept) : undefined, size };
}

function performSync(op: ReadOp): unknown {
  switch (op.op) {
    case "open":
      return fs.openSync(op.file, OPEN_FLAGS);
    case "fstat":
      return fs.fstatSync(op.fd);
    case "read":
      return fs.readSync(op.fd, op.buffer, op.offset, op.length, null);
    case "close":
      return fs.closeSync(op.fd);
  }
}

function performAsync(op: ReadOp, resume: Resume): void {
  try {
    switch (op.op) {
      case "open":
        fs.open(op.file, OPEN_FLAGS, (error, fd) => resume(!!error, error ?? fd));
        return;
      case "fstat":
        fs.fstat(op.fd, (error, st) => resume(!!error, error ?? st));
        return;
      case "read":
        fs.read(op.fd, op.buffer, op.offset, op.length, null, (error, n) => resume(!!error, error ?? n));
        return;
      case "close":
        // The digests are done: nothing waits for the descriptor to be closed.
        fs.close(op.fd, () => {});
        resume(false, undefined);
        return;
    }
  } catch (error) {
    resume(true, error); // a path fs rejects before trying
  }
}

/**
 * Opens, checks and digests a regular file synchronously (see {@link readSteps}). `scratch`,
 * when given and the bytes are not kept, is the buffer small files are read into.
 */
export function readFileSync(
  file: string,
  url: unknown,
  algorithms: readonly string[],
  keepBytes: boolean,
  scratch?: ReadScratch,
): FileRead {
  return runSync(readSteps(file, url, algorithms, keepBytes, scratch), performSync);
}

/** What {@link readFileCallback} calls once: with an error, or with `undefined` and the read. */
export type ReadCallback = Done<FileRead>;

/** The same as {@link readFileSync}, without blocking the event loop. */
export function readFileAsync(
  file: string,
  url: unknown,
  algorithms: readonly string[],
  keepBytes: boolean,
): Promise<FileRead> {
  return new Promise<FileRead>((resolve, reject) => {
    readFileCallback(file, url, algorithms, keepBytes, (error, read) =>
      error === undefined ? resolve(read as FileRead) : reject(error),
    );
  });
}

/** {@link readFileAsync} with a callback, called once. */
export function readFileCallback(
  file: string,
  url: unknown,
  algorithms: readonly string[],
  keepBytes: boolean,
  callback: ReadCallback,
): void {
  runAsync(readSteps(file, url, algorithms, keepBytes), performAsync, callback);
}
