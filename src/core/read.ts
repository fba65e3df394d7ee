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

/**
 * What the first step of a read gives: the open file, its `Stats`, and the first bytes of a
 * regular file, read into `buffer` (`length` bytes asked for, `n` given).
 */
interface Head {
  fd: number;
  st: fs.Stats;
  /** `undefined` for a file that is not regular, which is never read: a FIFO or device could block or never end. */
  buffer: Buffer | undefined;
  length: number;
  n: number;
  /** Whether the step closed the file already (see {@link isWhole}). */
  closed: boolean;
}

/**
 * Whether the first read got the whole file: a short read of a regular file is its end, so no
 * second read (system call) is made to find it, and the step closes the file (or, without
 * blocking, hands it to its {@link Closer}) before it is digested.
 */
const isWhole = (head: Head) => head.buffer !== undefined && head.n < head.length;

/** The I/O a read asks its driver for. */
type ReadOp =
  /**
   * Open, fstat and (a regular file) the first read, as one step since most files take no
   * other: a {@link Head} made by {@link headOf}. A failure after the open closes the file,
   * and so does a whole read.
   */
  | { op: "head"; file: string; keepBytes: boolean; scratch: ReadScratch | undefined }
  | { op: "read"; fd: number; buffer: Buffer; offset: number; length: number }
  | { op: "close"; fd: number };

type ReadStep<T> = Generator<ReadOp, T, unknown>;

/** Whether a read keeps the bytes of a file of these `Stats`: when asked, up to {@link MAX_REWRITE_BYTES}. */
const keeps = (st: fs.Stats, keepBytes: boolean) => keepBytes && st.size <= MAX_REWRITE_BYTES;

/**
 * The head of a read of an open file, before its first read. A regular file is read first for
 * its size plus one byte (which tells whether it grew), up to a chunk; kept bytes get a buffer
 * of their own, which the next read must not overwrite.
 */
function headOf(fd: number, st: fs.Stats, op: Extract<ReadOp, { op: "head" }>): Head {
  if (!st.isFile()) return { fd, st, buffer: undefined, length: 0, n: 0, closed: false };
  const length = Math.min(st.size + 1, CHUNK_SIZE);
  const buffer = bufferFor(length, keeps(st, op.keepBytes) ? undefined : op.scratch);
  return { fd, st, buffer, length, n: 0, closed: false };
}

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
  let head: Head;
  try {
    head = (yield { op: "head", file, keepBytes, scratch }) as Head;
  } catch (error) {
    throw fileError(url, file, error as NodeJS.ErrnoException);
  }
  try {
    const { st, buffer, n } = head;
    if (!buffer) throw fileError(url, file, "not-a-file");
    const keep = keeps(st, keepBytes);
    // Kept bytes were read into a buffer of their own (see headOf): one read needs no copy. Nor
    // a hash yet: a transformer that rewrites them makes the hash of its text instead.
    const read = isWhole(head)
      ? {
          hex: keep ? undefined : hexDigestsOf(algorithms, buffer.subarray(0, n)),
          bytes: keep ? buffer.subarray(0, n) : undefined,
          size: n,
        }
      : yield* digestSteps(head, buffer, algorithms, keep);
    return new Read(identityOf(st), readStartedAt, read.hex, read.bytes, read.size, algorithms);
  } catch (error) {
    throw error instanceof CacheBustError ? error : fileError(url, file, error as NodeJS.ErrnoException);
  } finally {
    if (!head.closed) yield { op: "close", fd: head.fd };
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
 * Digests a file whose first read filled its buffer (a big file, or a small one that grew),
 * streaming it through hashes in chunks to its end.
 */
function* digestSteps(head: Head, first: Buffer, algorithms: readonly string[], keep: boolean): ReadStep<Digested> {
  const { fd } = head;
  const hashes = algorithms.map((a) => createHash(a));
  let kept: Buffer[] | undefined = keep ? [] : undefined;
  let buffer = first;
  let want = head.length;
  let n = head.n;
  let size = 0;
  while (n > 0) {
    size += n;
    const chunk = buffer.subarray(0, n);
    for (const h of hashes) h.update(chunk);
    kept?.push(Buffer.from(chunk));
    if (kept && size > MAX_REWRITE_BYTES) kept = undefined; // it grew past the limit: hash it, keep nothing
    // A short read is the end, as above.
    if (n < want) break;
    if (want < CHUNK_SIZE) buffer = Buffer.allocUnsafe((want = CHUNK_SIZE));
    n = (yield { op: "read", fd, buffer, offset: 0, length: want }) as number;
  }
  const hex: Record<string, string> = {};
  algorithms.forEach((a, i) => (hex[a] = hashes[i]!.digest("hex")));
  return { hex, bytes: kept ? Buffer.concat(kept) : undefined, size };
}

function performSync(op: ReadOp): unknown {
  switch (op.op) {
    case "head": {
      const fd = fs.openSync(op.file, OPEN_FLAGS);
      let head: Head;
      try {
        head = headOf(fd, fs.fstatSync(fd), op);
        if (head.buffer) head.n = fs.readSync(fd, head.buffer, 0, head.length, null);
      } catch (error) {
        fs.closeSync(fd);
        throw error;
      }
      // Marked first: a close that fails is not tried again.
      if (isWhole(head)) ((head.closed = true), fs.closeSync(fd));
      return head;
    }
    case "read":
      return fs.readSync(op.fd, op.buffer, op.offset, op.length, null);
    case "close":
      return fs.closeSync(op.fd);
  }
}

const ignore = () => {};

/**
 * Closes descriptors without blocking and without waiting for them, a batch per turn of the
 * event loop. A close handed to the thread pool on its own, as each read finished, woke a
 * sleeping pool thread: on a virtual machine that cost the main thread about 20 µs a file,
 * a third of the time of hashing 500 small files without blocking; handed over together after
 * the turn's callbacks, they cost a fraction of that (bench/README.md, fourth round). A
 * descriptor stays open one turn longer at most.
 */
export class Closer {
  #fds: number[] = [];
  readonly #flush = () => {
    const fds = this.#fds;
    this.#fds = [];
    for (const fd of fds) fs.close(fd, ignore);
  };

  /** Closes `fd` once this turn of the event loop is over. */
  close(fd: number): void {
    if (this.#fds.push(fd) === 1) setImmediate(this.#flush);
  }
}

/** {@link performSync}'s "head" without blocking: one callback chain, resumed once. */
function headAsync(op: Extract<ReadOp, { op: "head" }>, resume: Resume, closer: Closer): void {
  fs.open(op.file, OPEN_FLAGS, (openError, fd) => {
    if (openError) return resume(true, openError);
    const fail = (error: unknown) => {
      closer.close(fd);
      resume(true, error);
    };
    fs.fstat(fd, (statError, st) => {
      if (statError) return fail(statError);
      try {
        const head = headOf(fd, st, op);
        if (!head.buffer) return resume(false, head);
        fs.read(fd, head.buffer, 0, head.length, null, (readError, n) => {
          if (readError) return fail(readError);
          head.n = n;
          if (isWhole(head)) ((head.closed = true), closer.close(fd));
          resume(false, head);
        });
      } catch (error) {
        fail(error);
      }
    });
  });
}

function performAsync(op: ReadOp, resume: Resume, closer: Closer): void {
  try {
    switch (op.op) {
      case "head":
        headAsync(op, resume, closer);
        return;
      case "read":
        fs.read(op.fd, op.buffer, op.offset, op.length, null, (error, n) => resume(!!error, error ?? n));
        return;
      case "close":
        // The digests are done: nothing waits for the descriptor to be closed.
        closer.close(op.fd);
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

/**
 * The same as {@link readFileSync} without blocking the event loop, calling `callback` once;
 * the file is closed through `closer` (see {@link Closer}).
 */
export function readFileCallback(
  file: string,
  url: unknown,
  algorithms: readonly string[],
  keepBytes: boolean,
  closer: Closer,
  callback: ReadCallback,
): void {
  runAsync(readSteps(file, url, algorithms, keepBytes), (op, resume) => performAsync(op, resume, closer), callback);
}
