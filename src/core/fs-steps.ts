import * as fs from "node:fs";
import { runAsync as runStepsAsync, runSync as runStepsSync, type Resume } from "./steps.js";

/**
 * File-system operations as values. A writer is written once, as a generator that yields
 * these and gets their results back; {@link runSync} and {@link runAsync} perform them. So the
 * synchronous and asynchronous writers are one sequence of steps driven two ways, and a test
 * can drive it with a runner of its own that does something between two steps (a race).
 */
export type FsStep =
  | { op: "lstat"; path: string }
  | { op: "realpath"; path: string }
  | { op: "mkdir"; path: string; recursive: boolean }
  | { op: "open"; path: string; flags: number; mode: number }
  | { op: "fstat"; fd: number }
  | { op: "read"; fd: number; buffer: Buffer; position: number }
  | { op: "write"; fd: number; buffer: Buffer; offset: number; length: number }
  | { op: "fchmod"; fd: number; mode: number }
  | { op: "close"; fd: number }
  | { op: "rename"; from: string; to: string }
  | { op: "unlink"; path: string };

/** A sequence of steps returning `T`; each `yield` gets the result of the step it yields. */
export type Steps<T> = Generator<FsStep, T, unknown>;

/** Performs one step synchronously. */
export function doStepSync(step: FsStep): unknown {
  switch (step.op) {
    case "lstat":
      return fs.lstatSync(step.path);
    case "realpath":
      return fs.realpathSync.native(step.path);
    case "mkdir":
      return fs.mkdirSync(step.path, { recursive: step.recursive });
    case "open":
      return fs.openSync(step.path, step.flags, step.mode);
    case "fstat":
      return fs.fstatSync(step.fd);
    case "read":
      return fs.readSync(step.fd, step.buffer, 0, step.buffer.length, step.position);
    case "write":
      return fs.writeSync(step.fd, step.buffer, step.offset, step.length);
    case "fchmod":
      return fs.fchmodSync(step.fd, step.mode);
    case "close":
      return fs.closeSync(step.fd);
    case "rename":
      return fs.renameSync(step.from, step.to);
    case "unlink":
      return fs.unlinkSync(step.path);
  }
}

/** Performs one step without blocking the event loop. */
export function doStepAsync(step: FsStep): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const done = (error: NodeJS.ErrnoException | null, result?: unknown) => (error ? reject(error) : resolve(result));
    switch (step.op) {
      case "lstat":
        return fs.lstat(step.path, done);
      case "realpath":
        return fs.realpath.native(step.path, done);
      case "mkdir":
        return fs.mkdir(step.path, { recursive: step.recursive }, done);
      case "open":
        return fs.open(step.path, step.flags, step.mode, done);
      case "fstat":
        return fs.fstat(step.fd, done);
      case "read":
        return fs.read(step.fd, step.buffer, 0, step.buffer.length, step.position, done);
      case "write":
        return fs.write(step.fd, step.buffer, step.offset, step.length, done);
      case "fchmod":
        return fs.fchmod(step.fd, step.mode, done);
      case "close":
        return fs.close(step.fd, done);
      case "rename":
        return fs.rename(step.from, step.to, done);
      case "unlink":
        return fs.unlink(step.path, done);
    }
  });
}

/**
 * Runs `steps` to the end synchronously; a failed step is thrown into the sequence, where it
 * can be caught like the error of a direct call. `perform` is for tests.
 */
export function runSync<T>(steps: Steps<T>, perform: (step: FsStep) => unknown = doStepSync): T {
  return runStepsSync(steps, perform);
}

/** {@link runSync}, one step at a time without blocking the event loop. */
export function runAsync<T>(steps: Steps<T>, perform: (step: FsStep) => Promise<unknown> = doStepAsync): Promise<T> {
  return new Promise((resolve, reject) => {
    const start = (step: FsStep, resume: Resume) => {
      // A `perform` that throws instead of rejecting fails the same way.
      let pending: Promise<unknown>;
      try {
        pending = perform(step);
      } catch (error) {
        resume(true, error);
        return;
      }
      pending.then(
        (value) => resume(false, value),
        (error) => resume(true, error),
      );
    };
    runStepsAsync(steps, start, (error, value) => (error === undefined ? resolve(value as T) : reject(error)));
  });
}

/** The `Stats` of `path` (not following a final link), or `undefined` when nothing is there. */
export function* lstatStep(path: string): Steps<fs.Stats | undefined> {
  try {
    return (yield { op: "lstat", path }) as fs.Stats;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** The real path of `path`, or `undefined` when it (or a link on the way) leads nowhere. */
export function* realpathStep(path: string): Steps<string | undefined> {
  try {
    return (yield { op: "realpath", path }) as string;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Writes all of `bytes` at the descriptor's position (a write may take only part). */
export function* writeAllStep(fd: number, bytes: Buffer): Steps<void> {
  let offset = 0;
  while (offset < bytes.length)
    offset += (yield { op: "write", fd, buffer: bytes, offset, length: bytes.length - offset }) as number;
}

/**
 * Reads an open descriptor to its end in chunks of `chunkSize`, handing each to `take`
 * (whose buffer is reused: copy what must be kept). Memory stays bounded for any size.
 */
export function* readChunksStep(fd: number, chunkSize: number, take: (chunk: Buffer) => void): Steps<number> {
  const buffer = Buffer.allocUnsafe(chunkSize);
  let position = 0;
  for (;;) {
    const n = (yield { op: "read", fd, buffer, position }) as number;
    if (n === 0) return position;
    take(buffer.subarray(0, n));
    position += n;
  }
}
