import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import { isAbsolute, join, sep } from "node:path";
import { CacheBustError } from "./errors.js";
import { lstatStep, readChunksStep, realpathStep, runAsync, runSync, writeAllStep, type Steps } from "./fs-steps.js";

/**
 * The one write gate: every file this package writes (fingerprinted copies, manifests,
 * rewritten stylesheets, the CLI's pages) goes through here. A write lands inside its output
 * directory, symbolic links resolved, or not at all; and it is atomic (a temporary file in the
 * destination's directory, then a rename), so readers see the old file or the new one.
 */

/** Temporary files are named so that a later run can recognise (and remove) leftovers. */
export const TEMP_FILE = /^\.[0-9a-f]{12}\.cache-id\.tmp$/;

/** Bytes per read when comparing or copying, so memory stays bounded for any file. */
const CHUNK = 1 << 16;

// O_NOFOLLOW: a link put in the temporary file's place is never opened through. O_NONBLOCK:
// opening a FIFO found where a file was expected returns at once instead of waiting.
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const TEMP_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW;
/** Flags to open an existing file for reading without following a final link or blocking. */
export const READ_FLAGS = fs.constants.O_RDONLY | NOFOLLOW | (fs.constants.O_NONBLOCK ?? 0);

/** How a refused write is reported. */
export interface GateOptions {
  /** Permission bits for the file written (default: 0o666 less the umask). */
  mode?: number;
  /**
   * Given: a refused write is reported here and the call returns `false`. Not given: it
   * throws the `CacheBustError` (`OUTSIDE_OUTPUT`, `NOT_A_FILE` or `BAD_ARGUMENT`).
   */
  onWarning?: (error: CacheBustError) => void;
}

/** Where a write goes, once checked: a directory whose real path lies inside the output directory. */
export interface Placement {
  outDir: string;
  /** `realpath(outDir)`. */
  realRoot: string;
  /** The destination as the caller named it, joined to `outDir` (for messages). */
  shown: string;
  /** Real path of the destination's directory. */
  realDir: string;
  /** The destination's file name. */
  base: string;
}

function refusal(
  code: "OUTSIDE_OUTPUT" | "NOT_A_FILE" | "BAD_ARGUMENT",
  shown: string,
  outDir: string,
  why: string,
): CacheBustError {
  return new CacheBustError(code, `cache-id: not writing ${shown}: ${why} (output directory ${outDir})`, {
    file: shown,
  });
}

/** Whether a real path is `root` or lies below it. */
export function isInside(real: string, root: string): boolean {
  return real === root || real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** The segments of a destination relative to `outDir`; refuses absolute paths and `..`. */
function segmentsOf(outDir: string, dest: string): string[] {
  const shown = typeof dest === "string" ? join(outDir, dest) : String(dest);
  if (typeof dest !== "string" || dest.includes("\0"))
    throw refusal("BAD_ARGUMENT", shown, outDir, "the destination must be a path without NUL bytes");
  if (isAbsolute(dest))
    throw refusal("OUTSIDE_OUTPUT", dest, outDir, "the destination must be relative to the output directory");
  const parts = dest.split(sep === "\\" ? /[\\/]+/ : /\/+/).filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw refusal("OUTSIDE_OUTPUT", shown, outDir, 'the destination must not contain ".."');
  if (parts.length === 0) throw refusal("BAD_ARGUMENT", shown, outDir, "the destination names no file");
  return parts;
}

/**
 * Enters (creating if missing) the directory `name` of the real directory `parent`, and
 * returns its real path, which must lie inside `realRoot`. Directories are made one at a time
 * and each is resolved after it is made, so one swapped for a link on the way is caught.
 */
function* enterStep(
  parent: string,
  name: string,
  place: { shown: string; outDir: string; realRoot: string; create: boolean },
): Steps<string> {
  const path = join(parent, name);
  for (let attempt = 0; attempt < 3; attempt++) {
    // A directory that is not a link, in a real parent, is its own real path: one lstat
    // instead of resolving every segment from the file system's root.
    if ((yield* lstatStep(path))?.isDirectory()) return path;
    const real = yield* realpathStep(path);
    if (real === undefined) {
      // Rewriting a file in place makes no directory: the one missing is the error to report.
      if (!place.create) yield { op: "lstat", path };
      try {
        yield { op: "mkdir", path, recursive: false };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      continue;
    }
    if (!isInside(real, place.realRoot))
      throw refusal(
        "OUTSIDE_OUTPUT",
        place.shown,
        place.outDir,
        `${path} leads to ${real}, outside the output directory`,
      );
    const st = (yield* lstatStep(real)) as fs.Stats | undefined;
    if (!st?.isDirectory()) throw refusal("NOT_A_FILE", place.shown, place.outDir, `${path} is not a directory`);
    return real;
  }
  throw refusal("OUTSIDE_OUTPUT", place.shown, place.outDir, `${path} is a symbolic link that leads nowhere`);
}

/** An output directory made and resolved once, for a run that writes many files into it. */
export interface OutputRoot {
  outDir: string;
  /** `realpath(outDir)`. */
  realRoot: string;
}

/** Makes `outDir` if missing and resolves it: the output directory is trusted, what lies below it is checked. */
export function* rootStep(outDir: string): Steps<OutputRoot> {
  yield { op: "mkdir", path: outDir, recursive: true };
  return { outDir, realRoot: (yield { op: "realpath", path: outDir }) as string };
}

/**
 * Checks a destination and makes its directories: `outDir` itself is created if missing and
 * trusted (or given made and resolved); below it, every directory's real path must stay
 * inside `realpath(outDir)`.
 */
export function* placeStep(out: string | OutputRoot, dest: string, create = true): Steps<Placement> {
  const { outDir, realRoot } = typeof out === "string" ? yield* rootStep(out) : out;
  const parts = segmentsOf(outDir, dest);
  const shown = join(outDir, ...parts);
  const place = { outDir, realRoot, shown, create };
  let realDir = realRoot;
  for (const name of parts.slice(0, -1)) realDir = yield* enterStep(realDir, name, place);
  return { outDir, realRoot, shown, realDir, base: parts[parts.length - 1] as string };
}

/** What is at a destination now: nothing, a regular file (of some size), or a link inside. */
export type DestState = { kind: "none" } | { kind: "file"; size: number } | { kind: "link" };

/**
 * What is at `base` in the placement's directory. A link is replaced by the rename, never
 * written through, but one that leads out of the output directory (or nowhere) is refused all
 * the same; a directory, FIFO or device is refused.
 */
export function* destStateStep(place: Placement, base: string): Steps<DestState> {
  const path = join(place.realDir, base);
  const st = yield* lstatStep(path);
  if (st === undefined) return { kind: "none" };
  if (st.isFile()) return { kind: "file", size: st.size };
  if (st.isSymbolicLink()) {
    const real = yield* realpathStep(path);
    if (real === undefined || !isInside(real, place.realRoot)) {
      throw refusal(
        "OUTSIDE_OUTPUT",
        place.shown,
        place.outDir,
        `it is a symbolic link to ${real ?? "nothing"}, outside the output directory`,
      );
    }
    return { kind: "link" };
  }
  throw refusal("NOT_A_FILE", place.shown, place.outDir, "something other than a regular file is there");
}

/**
 * Opens a regular file for reading (never through a final link, never blocking), hands its
 * chunks to `take` and closes it; `undefined` when it is missing or not a regular file.
 */
export function* readFileStep(path: string, take: (chunk: Buffer) => void): Steps<number | undefined> {
  let fd: number;
  try {
    fd = (yield { op: "open", path, flags: READ_FLAGS, mode: 0 }) as number;
  } catch {
    return undefined;
  }
  try {
    const st = (yield { op: "fstat", fd }) as fs.Stats;
    if (!st.isFile()) return undefined;
    return yield* readChunksStep(fd, CHUNK, take);
  } finally {
    yield { op: "close", fd };
  }
}

/** Whether the regular file at `path` holds exactly `bytes`, compared a chunk at a time. */
function* holdsStep(path: string, bytes: Buffer): Steps<boolean> {
  let compared = 0;
  let same = true;
  const size = yield* readFileStep(path, (chunk) => {
    same &&= chunk.equals(bytes.subarray(compared, compared + chunk.length));
    compared += chunk.length;
  });
  return same && size === bytes.length;
}

/**
 * A temporary file's name: 12 random hex digits, the first 48 bits of a random UUID. Node
 * draws those from a cache of entropy (about 0.3 µs), where `randomBytes` per file cost about
 * 6 µs, more than the write. The name is not a secret: the file is created exclusively and
 * never through a link, and a name taken meanwhile is drawn again.
 */
function tempName(): string {
  const uuid = randomUUID();
  return `.${uuid.slice(0, 8)}${uuid.slice(9, 13)}.cache-id.tmp`;
}

/**
 * Creates a new temporary file in `dir`, exclusively and never through a link, created with
 * the permissions `mode` (less the umask); its path and descriptor.
 */
function* createTempStep(dir: string, mode: number): Steps<{ path: string; fd: number }> {
  for (let attempt = 0; ; attempt++) {
    const path = join(dir, tempName());
    try {
      return { path, fd: (yield { op: "open", path, flags: TEMP_FLAGS, mode }) as number };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt === 2) throw error;
    }
  }
}

/** A temporary file being filled: its path and the identity of what was opened. */
export interface TempFile {
  path: string;
  ino: number;
  dev: number;
}

/**
 * Creates a new temporary file in the placement's directory (exclusively, never through a
 * link), lets `fill` write into it, sets `mode`, and closes it. Removes it on failure.
 */
export function* tempStep<R>(
  place: Placement,
  mode: number | undefined,
  fill: (fd: number) => Steps<R>,
): Steps<{ temp: TempFile; result: R }> {
  const { path, fd } = yield* createTempStep(place.realDir, mode === undefined ? 0o666 : mode & 0o777);
  let open = true;
  try {
    const result = yield* fill(fd);
    const st = (yield { op: "fstat", fd }) as fs.Stats;
    if (mode !== undefined && (st.mode & 0o7777) !== (mode & 0o7777)) yield { op: "fchmod", fd, mode: mode & 0o7777 };
    open = false;
    yield { op: "close", fd };
    return { temp: { path, ino: st.ino, dev: st.dev }, result };
  } catch (error) {
    if (open) yield* closeQuietly(fd);
    yield* removeQuietly(path);
    throw error;
  }
}

function* closeQuietly(fd: number): Steps<void> {
  try {
    yield { op: "close", fd };
  } catch {
    // The error that matters is the one being thrown.
  }
}

/** Removes a file, ignoring a failure (it may be gone already). */
export function* removeQuietly(path: string): Steps<void> {
  try {
    yield { op: "unlink", path };
  } catch {
    // Nothing to remove, or the error that matters is the one being thrown.
  }
}

/**
 * Whether every directory from the output directory down to the placement's is still a
 * directory and not a link: then `realDir` still resolves to itself, inside the output
 * directory. One lstat per directory below the output directory, whose own path is trusted.
 */
function* stillRealStep(place: Placement): Steps<boolean> {
  const below = place.realDir
    .slice(place.realRoot.length)
    .split(sep)
    .filter((p) => p !== "");
  let dir = place.realRoot;
  for (const name of below) {
    dir = join(dir, name);
    if (!(yield* lstatStep(dir))?.isDirectory()) return false;
  }
  return true;
}

/**
 * Renames the temporary file to `base`, after checking again what could have changed since
 * the placement: the directory still resolves to itself (no directory on its path swapped for
 * a link), the temporary file is still the one written, and the destination is still
 * acceptable. Removes the temporary file when refusing or failing.
 */
export function* commitStep(place: Placement, temp: TempFile, base: string): Steps<void> {
  try {
    if (!(yield* stillRealStep(place)))
      throw refusal("OUTSIDE_OUTPUT", place.shown, place.outDir, `${place.realDir} was replaced while writing`);
    const st = yield* lstatStep(temp.path);
    if (!st?.isFile() || st.ino !== temp.ino || st.dev !== temp.dev) {
      throw refusal(
        "OUTSIDE_OUTPUT",
        place.shown,
        place.outDir,
        `its temporary file ${temp.path} was replaced while writing`,
      );
    }
    yield* destStateStep(place, base);
    yield { op: "rename", from: temp.path, to: join(place.realDir, base) };
  } catch (error) {
    yield* removeQuietly(temp.path);
    throw error;
  }
}

/**
 * The steps of {@link writeInside}: place, compare, write a temporary file, commit. Returns
 * whether it wrote (`false`: the destination already held these bytes).
 */
export function* writeInsideSteps(outDir: string, dest: string, bytes: Buffer, mode?: number): Steps<boolean> {
  const place = yield* placeStep(outDir, dest);
  const state = yield* destStateStep(place, place.base);
  if (
    state.kind === "file" &&
    state.size === bytes.length &&
    (yield* holdsStep(join(place.realDir, place.base), bytes))
  )
    return false;
  const { temp } = yield* tempStep(place, mode, (fd) => writeAllStep(fd, bytes));
  yield* commitStep(place, temp, place.base);
  return true;
}

/**
 * Reads the regular file at `path` whole (never through a final link, never blocking), with
 * its permission bits; `undefined` when something other than a regular file is there. A file
 * that cannot be opened throws the system's error.
 */
function* readWholeStep(path: string): Steps<{ bytes: Buffer; mode: number } | undefined> {
  const fd = (yield { op: "open", path, flags: READ_FLAGS, mode: 0 }) as number;
  try {
    const st = (yield { op: "fstat", fd }) as fs.Stats;
    if (!st.isFile()) return undefined;
    // Read to the end, whatever the size said: a file growing meanwhile is read as it is now. A
    // short read that reaches the size is the end, as in the core's reader (no call to find it).
    let buffer = Buffer.allocUnsafe(st.size + 1);
    let size = 0;
    for (;;) {
      if (size === buffer.length) buffer = Buffer.concat([buffer], size * 2);
      const asked = buffer.length - size;
      const n = (yield { op: "read", fd, buffer: buffer.subarray(size), position: size }) as number;
      size += n;
      if (n === 0 || (n < asked && size >= st.size)) return { bytes: buffer.subarray(0, size), mode: st.mode };
    }
  } finally {
    yield { op: "close", fd };
  }
}

/**
 * The steps of rewriting a regular file of the output directory in place: its directories
 * checked as for any write (none made), its bytes read, `make` turns them into the new ones
 * (`undefined`: leave the file), written as {@link writeInsideSteps} does, its permissions
 * kept. Returns whether it wrote; something other than a regular file is refused (`NOT_A_FILE`).
 */
export function* rewriteInsideSteps(
  root: OutputRoot,
  dest: string,
  make: (bytes: Buffer) => Buffer | undefined,
): Steps<boolean> {
  const place = yield* placeStep(root, dest, false);
  const now = yield* readWholeStep(join(place.realDir, place.base));
  if (now === undefined) throw refusal("NOT_A_FILE", place.shown, place.outDir, "it is not a regular file");
  const next = make(now.bytes);
  if (next === undefined || next.equals(now.bytes)) return false;
  const { temp } = yield* tempStep(place, now.mode, (fd) => writeAllStep(fd, next));
  yield* commitStep(place, temp, place.base);
  return true;
}

/** Whether an error is one of the gate's refusals (reported, not thrown, under `onWarning`). */
function isRefusal(error: unknown): error is CacheBustError {
  return (
    error instanceof CacheBustError &&
    (error.code === "OUTSIDE_OUTPUT" || error.code === "NOT_A_FILE" || error.code === "BAD_ARGUMENT")
  );
}

/** Reports a refusal to `onWarning` (returning `false`), or rethrows it. */
export function refused(error: unknown, onWarning: GateOptions["onWarning"]): false {
  if (!onWarning || !isRefusal(error)) throw error;
  onWarning(error);
  return false;
}

const toBytes = (data: Buffer | string) => (typeof data === "string" ? Buffer.from(data, "utf8") : data);

/**
 * Writes `data` to `dest`, a path relative to `outDir`, atomically, only if its real location
 * stays inside `outDir` (symbolic links resolved). Leaves a file that already holds `data`
 * untouched. Returns whether it wrote; a refusal throws `OUTSIDE_OUTPUT` (or `NOT_A_FILE` for a
 * directory or FIFO in the way), or is reported to `options.onWarning` with a `false` result.
 *
 * @example
 * await writeInside("_site", "cache-id.json", "{}\n"); // true
 */
export async function writeInside(
  outDir: string,
  dest: string,
  data: Buffer | string,
  options: GateOptions = {},
): Promise<boolean> {
  try {
    return await runAsync(writeInsideSteps(outDir, dest, toBytes(data), options.mode));
  } catch (error) {
    return refused(error, options.onWarning);
  }
}

/**
 * {@link writeInside}, synchronously: for a few files at the end of a build, where thread-pool
 * round trips cost more than the writing.
 *
 * @example
 * writeInsideSync("_site", "css/site.css", rewritten, { onWarning: console.warn }); // true
 */
export function writeInsideSync(
  outDir: string,
  dest: string,
  data: Buffer | string,
  options: GateOptions = {},
): boolean {
  try {
    return runSync(writeInsideSteps(outDir, dest, toBytes(data), options.mode));
  } catch (error) {
    return refused(error, options.onWarning);
  }
}
