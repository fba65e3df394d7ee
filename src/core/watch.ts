import * as fs from "node:fs";
import { dirname, join, sep } from "node:path";
import type { Entry } from "./cache.js";

/** Options of `validate: "watch"` (see {@link WatchTracker}). */
export interface WatchSettings {
  /** A file is checked with `stat` again once this many ms have passed since its last check. */
  recheckMs: number;
  /** Most directories watched; files in others rely on the periodic re-check alone. */
  maxDirectories: number;
}

/** One watched (or, past the limit, unwatched) directory and the hashed files directly in it. */
interface Directory {
  watcher: fs.FSWatcher | undefined;
  /** `Date.now()` when its watcher was started: a check that began earlier may have missed an event. */
  since: number;
  files: Set<string>;
}

/**
 * The event source of `validate: "watch"`: a file checked (by `stat` or a read) is "clean"
 * until a file-system event in its directory or an ancestor names it, or `recheckMs` passes;
 * a clean, trusted entry is answered without a system call. One `fs.watch` per directory that
 * holds a hashed file, and per ancestor up to its root (so a renamed parent is seen), never
 * keeping the process alive; past `maxDirectories`, only the periodic re-check.
 */
export class WatchTracker {
  /** Clean files: when each was last checked. */
  readonly #clean = new Map<string, number>();
  readonly #dirs = new Map<string, Directory>();
  /** How many of `#dirs` have a watcher. */
  #watching = 0;
  /** After `close()`: nothing is watched again, every call checks its file (as `"always"`). */
  #closed = false;
  /**
   * Counts events, `refresh()` and `close()`: an answer remembered under one epoch is vouched for
   * only while the epoch is the same (see `freshUntil` and `absentUntil`).
   */
  epoch = 0;

  constructor(
    readonly roots: readonly string[],
    readonly settings: WatchSettings,
  ) {}

  /** Whether an entry (and everything it depends on) may be answered without a check. */
  fresh(entry: Entry, entries: ReadonlyMap<string, Entry>): boolean {
    return this.freshUntil(entry, entries) > Date.now();
  }

  /**
   * Until when (a `Date.now()` time) an entry and everything it depends on may be answered
   * without a check, as long as `epoch` stays the same; 0 if it must be checked now.
   */
  freshUntil(entry: Entry, entries: ReadonlyMap<string, Entry>): number {
    if (!entry.trusted) return 0;
    const checkedAt = this.#clean.get(entry.candidate.file);
    if (checkedAt === undefined) return 0;
    let until = checkedAt + this.settings.recheckMs;
    // Indexed: `for...of` over the shared frozen empty list measured slower than the check itself.
    for (let i = 0; i < entry.deps.length; i++) {
      const dep = entry.deps[i] as Entry["deps"][number];
      const current = entries.get(dep.key);
      const depUntil = current && current.hash === dep.hash ? this.freshUntil(current, entries) : 0;
      if (depUntil === 0) return 0;
      if (depUntil < until) until = depUntil;
    }
    return until;
  }

  /**
   * Records that `file` was found unchanged (or read) by a check that began at `startedAt`,
   * watching its directories. It is clean only if they were all watched before the check began.
   */
  track(file: string, startedAt: number): void {
    if (this.#closed) return;
    const root = this.#rootOf(file);
    if (root === undefined) return;
    let watchedBefore = true;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (this.#directory(dir).since >= startedAt) watchedBefore = false;
      if (dir.length <= root.length || dirname(dir) === dir) break;
    }
    this.#dirs.get(dirname(file))?.files.add(file);
    if (watchedBefore) this.#clean.set(file, startedAt);
  }

  /**
   * Until when a file that a check begun at `startedAt` found missing may be taken as still
   * missing, as long as `epoch` stays the same (an event in its directory would name it); 0 if
   * not at all: its directory and every one above it must already have been watched (or be past
   * the watcher limit) when the check began. Starts no watcher: a client's URLs cannot add any.
   */
  absentUntil(file: string, startedAt: number): number {
    const root = this.#closed ? undefined : this.#rootOf(file);
    if (root === undefined) return 0;
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      const known = this.#dirs.get(dir);
      if (known === undefined || known.since >= startedAt) return 0;
      if (dir.length <= root.length || dirname(dir) === dir) break;
    }
    return startedAt + this.settings.recheckMs;
  }

  #rootOf(file: string): string | undefined {
    return this.roots.find((r) => file.startsWith(r.endsWith(sep) ? r : r + sep));
  }

  /** Every file is checked again on its next use. */
  refresh(): void {
    this.#clean.clear();
    this.epoch++;
  }

  /** Stops every watcher, for good: from now on every call checks its file. */
  close(): void {
    this.#closed = true;
    for (const dir of this.#dirs.values()) dir.watcher?.close();
    this.#dirs.clear();
    this.#watching = 0;
    this.#clean.clear();
    this.epoch++;
  }

  #directory(path: string): Directory {
    const known = this.#dirs.get(path);
    if (known) return known;
    const dir: Directory = { watcher: undefined, since: Date.now(), files: new Set() };
    if (this.#watching < this.settings.maxDirectories) dir.watcher = this.#watch(path);
    if (dir.watcher) this.#watching++;
    else dir.since = 0; // no events will come: only the re-check, whenever it was tracked
    this.#dirs.set(path, dir);
    return dir;
  }

  #watch(path: string): fs.FSWatcher | undefined {
    try {
      const watcher = fs.watch(path, { persistent: false }, (_event, name) => this.#changed(path, name));
      watcher.on("error", () => this.#forget(path));
      return watcher;
    } catch {
      return undefined; // gone already, or the system's watcher limit: the re-check covers it
    }
  }

  /** An event in `dir` about `name` (or about anything, without a name). */
  #changed(dir: string, name: string | Buffer | null): void {
    if (name === null) {
      this.#forget(dir);
      return;
    }
    const path = join(dir, name.toString());
    // Any event, also about a file not hashed yet: it may be one remembered as missing.
    this.#clean.delete(path);
    this.epoch++;
    if (this.#dirs.has(path)) this.#forget(path);
  }

  /** Forgets a directory and everything under it: its files are checked again, its watchers restarted on use. */
  #forget(path: string): void {
    const prefix = path + sep;
    this.epoch++;
    for (const [p, dir] of this.#dirs) {
      if (p !== path && !p.startsWith(prefix)) continue;
      for (const file of dir.files) this.#clean.delete(file);
      if (dir.watcher) {
        dir.watcher.close();
        this.#watching--;
      }
      this.#dirs.delete(p);
    }
  }
}
