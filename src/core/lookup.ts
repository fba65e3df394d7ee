import { BoundedMap } from "./bounded.js";
import type { Entry } from "./cache.js";
import type { Drivers } from "./drive.js";
import type { Core, Resolution } from "./resolve.js";
import type { Done } from "./steps.js";
import type { Target } from "./target.js";
import type { CallOptions } from "./types.js";
import { isRootRelative } from "./url.js";
import type { WatchTracker } from "./watch.js";

/** Most watched hits answered on one clock reading (see `Lookups.#clock`). */
const CLOCK_HITS = 32;

/** A busted URL remembered under `validate: "watch"`, and what vouches for it. */
interface WatchedAnswer {
  busted: string;
  entry: Entry;
  /** The watcher's epoch when it was remembered. */
  epoch: number;
  /** The `Date.now()` time from which its entry must be checked again. */
  until: number;
}

/**
 * What URLs resolve to, through the `validate: "once"` memos: the resolution of each URL (by
 * URL and base directory) in this generation, and the busted URL of each root-relative URL
 * called without options, the call a template build makes most. Both are cleared together by
 * `refresh()`, so the second is never older than the first. Without "once", only the watched
 * memos below. URLs left alone are not remembered; every memo is bounded (see `BoundedMap`).
 */
export class Lookups {
  readonly #memo = new BoundedMap<Resolution>();
  readonly #rendered = new BoundedMap<string>((key, busted) => key.length + busted.length);
  /**
   * With `validate: "watch"`: the same answers with the entry each was made from, reused while
   * the watcher vouches for that entry: the watcher's epoch unchanged (no event, refresh or close
   * since) and the re-check time not reached, so that a hit costs a clock read, not the lookups.
   */
  readonly #watched = new BoundedMap<WatchedAnswer>((key, v) => key.length + v.busted.length);
  /**
   * With `validate: "watch"`: root-relative URLs a lookup without blocking (a server's) found
   * missing, reused while the watcher vouches that nothing appeared: no event since the lookup
   * began in a directory watched before it, and the re-check time not reached. So a client
   * asking again and again for a file that is not there costs no system call.
   */
  readonly #absent = new BoundedMap<{ resolution: Resolution; epoch: number; until: number }>();
  readonly #once: boolean;
  /** The clock watched hits are checked against, and how many more hits may use it (see `#clock`). */
  #now = 0;
  #nowHits = 0;
  #nowQueued = false;
  readonly #forgetNow = () => {
    this.#nowHits = 0;
    this.#nowQueued = false;
  };

  constructor(
    readonly core: Core,
    readonly drive: Drivers,
  ) {
    this.#once = core.opts.validate === "once";
  }

  /** The busted URL remembered for a root-relative URL called without options, counted as a hit. */
  rendered(url: unknown): string | undefined {
    if (typeof url !== "string") return undefined;
    if (this.core.watch) return this.#renderedWatched(url);
    if (!this.#once) return undefined;
    const known = this.#rendered.get(url);
    if (known !== undefined) this.core.cache.counters.hits++;
    return known;
  }

  #renderedWatched(url: string): string | undefined {
    const known = this.#watched.get(url);
    if (known === undefined || known.epoch !== this.core.watch?.epoch || this.#clock() >= known.until) return undefined;
    const { cache } = this.core;
    // The entry itself still cached: the answer is never older than what the cache holds.
    if (cache.entries.get(known.entry.key) !== known.entry) return undefined;
    cache.counters.hits++;
    return known.busted;
  }

  /**
   * `Date.now()`, read once per synchronous run of code (forgotten at the next microtask
   * checkpoint) and at least every `CLOCK_HITS` hits: a page's 50 references cost one clock read,
   * not 50, and no answer is checked against a reading older than the run it is made in, in which
   * no file-system event can be delivered either.
   */
  #clock(): number {
    if (this.#nowHits > 0) {
      this.#nowHits--;
      return this.#now;
    }
    this.#now = Date.now();
    this.#nowHits = CLOCK_HITS - 1;
    if (!this.#nowQueued) {
      this.#nowQueued = true;
      queueMicrotask(this.#forgetNow);
    }
    return this.#now;
  }

  /** Remembers the busted URL of a call without options (see {@link rendered}). */
  remember(url: unknown, resolution: Resolution, busted: string): void {
    if (resolution.kind !== "file" || !isRootRelative(url as string)) return;
    if (this.#once) this.#rendered.set(url as string, busted);
    // One candidate only: a file appearing in a root searched first must be found at once.
    else if (this.core.watch && resolution.target.candidates.length === 1) {
      const { watch, cache } = this.core;
      const until = watch.freshUntil(resolution.entry, cache.entries);
      if (until > Date.now())
        this.#watched.set(url as string, { busted, entry: resolution.entry, epoch: watch.epoch, until });
    }
  }

  /** What a URL resolves to, with blocking I/O. */
  sync(url: unknown, call: CallOptions): Resolution {
    const key = this.#keyOf(url, call);
    const known = key === undefined ? undefined : this.#known(key);
    if (known) return known;
    const resolution = this.drive.resolveSync(url, call.from);
    if (key !== undefined && resolution.kind !== "skip") this.#memo.set(key, resolution);
    return resolution;
  }

  /** What a URL resolves to, without blocking; `done` is called once (at once, from the memo). */
  async(url: unknown, call: CallOptions, done: Done<Resolution>): void {
    const key = this.#keyOf(url, call);
    const known = key === undefined ? this.#stillAbsent(url, call) : this.#known(key);
    if (known) return done(undefined, known);
    const { watch } = this.core;
    // Taken before the lookup: an event that comes while it runs must void what it finds.
    const startedAt = watch ? Date.now() : 0;
    const epoch = watch?.epoch;
    this.drive.resolveAsync(url, call.from, (error, resolution) => {
      if (error === undefined) this.#remember(key, url, resolution as Resolution, startedAt, epoch);
      done(error, resolution);
    });
  }

  /** Keeps what a lookup without blocking found: in the memo, or as a watched absence. */
  #remember(key: string | undefined, url: unknown, resolution: Resolution, startedAt: number, epoch?: number): void {
    if (key !== undefined && resolution.kind !== "skip") this.#memo.set(key, resolution);
    else if (resolution.kind === "missing" && epoch !== undefined)
      this.#rememberAbsent(url, resolution, startedAt, epoch);
  }

  /** The missing resolution remembered for a root-relative URL (see `#absent`), if still vouched for. */
  #stillAbsent(url: unknown, call: CallOptions): Resolution | undefined {
    if (this.core.watch === undefined || call.from !== undefined || typeof url !== "string") return undefined;
    const known = this.#absent.get(url);
    if (known === undefined || known.epoch !== this.core.watch.epoch || Date.now() >= known.until) return undefined;
    return known.resolution;
  }

  #rememberAbsent(url: unknown, resolution: Resolution, startedAt: number, epoch: number): void {
    if (!isRootRelative(url as string)) return;
    const t = this.core.targets.get(url, undefined);
    // One candidate only, as for `#watched`.
    if (t === undefined || t.candidates.length !== 1) return;
    const file = (t.candidates[0] as Target["candidates"][number]).candidate.file;
    const until = (this.core.watch as WatchTracker).absentUntil(file, startedAt);
    if (until > Date.now()) this.#absent.set(url as string, { resolution, epoch, until });
  }

  /** Forgets both memos (a new build). */
  clear(): void {
    this.#memo.clear();
    this.#rendered.clear();
    this.#watched.clear();
    this.#absent.clear();
  }

  #keyOf(url: unknown, call: CallOptions): string | undefined {
    return this.#once && typeof url === "string" ? this.core.targets.keyFor(url, call.from) : undefined;
  }

  #known(key: string): Resolution | undefined {
    const known = this.#memo.get(key);
    if (known?.kind === "file") this.core.cache.counters.hits++;
    return known;
  }
}
