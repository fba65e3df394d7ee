import type { Candidate } from "./locate.js";
import type { FileIdentity } from "./read.js";
import type { CacheBustStats } from "./types.js";
import { byCodeUnit } from "./order.js";

/** A file another file's rewritten contents depend on (a stylesheet's font, say). */
export interface Dependency {
  key: string;
  candidate: Candidate;
  hash: string;
}

/** One hashed version of one file. */
export interface Entry {
  key: string;
  candidate: Candidate;
  identity: FileIdentity;
  /** The read began more than `trustAfterMs` after the file's mtime and ctime. */
  trusted: boolean;
  /** Orders reads, so that an older read finishing late never replaces a newer entry. */
  readSeq: number;
  /** Hash of what is served: the rewritten bytes when a transformer changed the file. */
  hash: string;
  /** Hash of the file's own bytes; not made for a rewritten entry, whose `content` is served. */
  rawHash: string | undefined;
  content?: Buffer;
  deps: Dependency[];
  /** SRI values by algorithm, made on first use: most entries are never asked for one. */
  integrity: Map<string, string> | undefined;
  /** Generation (see `refresh()`) in which this entry was last checked against its file. */
  checkedIn: number;
  /** This entry as a dependency of the files that name it: one object for all of them, made on first use. */
  dependency: Dependency | undefined;
}

/** An async read of one entry that has been asked for and may still be joined. */
export interface Inflight {
  /** Whether the read has opened the file: a later call must not join it (its bytes may be older). */
  started: boolean;
  /** Resumed once with the entry, or with the error (`failed`). */
  waiters: Array<(failed: boolean, value: unknown) => void>;
}

/**
 * The hash cache one buster owns: entries by key (the file, plus the URL path for rewritten
 * files), the URL path index `manifest()` lists, the async reads in flight, the generation
 * `refresh()` advances, the read sequence and the counters.
 */
export class HashCache {
  /** Entries by key; changed only through `put`, `forget` and `clear`, which keep `version`. */
  readonly entries = new Map<string, Entry>();
  /** Resolved URL path -> entry key, for `manifest()` and `entries()`. */
  readonly byUrlPath = new Map<string, string>();
  readonly inflight = new Map<string, Inflight>();
  readonly counters: CacheBustStats = { hits: 0, hashed: 0, bytesHashed: 0, stats: 0, skipped: 0, missing: 0 };
  generation = 0;
  /**
   * Advanced whenever an entry checked in this generation is replaced or forgotten (and by
   * `clear()`): an answer remembered in this generation, with the version it was made in,
   * still names what `checkedNow` gives while the version is the same.
   */
  version = 0;
  #seq = 0;

  /** The number the next read is ordered by. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** Keeps an entry unless a newer read of the same key is already there; indexes its URL path. */
  put(entry: Entry): Entry {
    const current = this.entries.get(entry.key);
    if (current?.checkedIn === this.generation) this.version++;
    if (!current || current.readSeq < entry.readSeq) this.entries.set(entry.key, entry);
    this.byUrlPath.set(entry.candidate.urlPath, entry.key);
    return entry;
  }

  /** Forgets the entry of `key` (its file is gone or changed). */
  forget(key: string): void {
    if (this.entries.get(key)?.checkedIn === this.generation) this.version++;
    this.entries.delete(key);
  }

  /** The entry that may be reused without a check in this generation (`validate: "once"`). */
  checkedNow(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    return entry && entry.checkedIn === this.generation ? entry : undefined;
  }

  /** Every listed entry with its URL path, sorted by URL path (code unit order). */
  sorted(): Array<[string, Entry]> {
    const out: Array<[string, Entry]> = [];
    for (const [urlPath, key] of this.byUrlPath) {
      const entry = this.entries.get(key);
      if (entry) out.push([urlPath, entry]);
    }
    return out.sort(([a], [b]) => byCodeUnit(a, b));
  }

  /** Start of a new generation: every entry is checked again on its next use. */
  refresh(): void {
    this.generation++;
  }

  /** Forgets every entry and read in flight. */
  clear(): void {
    this.generation++;
    this.version++;
    this.entries.clear();
    this.byUrlPath.clear();
    this.inflight.clear();
  }
}
