import { createRequire, syncBuiltinESMExports } from "node:module";

const fsCjs = createRequire(import.meta.url)("node:fs") as Record<string, unknown>;
const SYNC_CALLS = [
  "openSync",
  "readSync",
  "statSync",
  "fstatSync",
  "lstatSync",
  "closeSync",
  "readFileSync",
  "existsSync",
  "realpathSync",
  "accessSync",
  "readdirSync",
];

const ASYNC_CALLS = ["open", "read", "stat", "fstat", "lstat", "close", "readFile", "realpath", "access"];

/** The synchronous `fs` calls the package's own code makes during `work` (see {@link callsDuring}). */
export function syncCallsDuring(work: () => Promise<unknown>): Promise<string[]> {
  return callsDuring(SYNC_CALLS, work);
}

/** Every `fs` call, sync or async, the package's own code makes during `work`. */
export function fsCallsDuring(work: () => Promise<unknown>): Promise<string[]> {
  return callsDuring([...SYNC_CALLS, ...ASYNC_CALLS], work);
}

/**
 * Runs `work` with every call of the `fs` functions `names` that the package's own code makes
 * recorded (the test runner's calls, made from its own files, are not counted). Returns the
 * names called.
 */
async function callsDuring(names: readonly string[], work: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const saved = new Map<string, unknown>();
  for (const name of names) {
    const original = fsCjs[name] as (...args: unknown[]) => unknown;
    saved.set(name, original);
    fsCjs[name] = function (this: unknown, ...args: unknown[]) {
      if (/[\\/]src[\\/]/.test(new Error().stack ?? "")) seen.push(name);
      return original.apply(this, args);
    };
  }
  syncBuiltinESMExports();
  try {
    await work();
  } finally {
    for (const [name, original] of saved) fsCjs[name] = original;
    syncBuiltinESMExports();
  }
  return seen;
}
