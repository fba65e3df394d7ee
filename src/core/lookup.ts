import { BoundedMap } from "./bounded.js";
import type { Entry } from "./cache.js";
import type { Drivers } from "./drive.js";
import type { Core, Resolution } from "./resolve.js";
import type { Done } from "./steps.js";
import type { CallOptions } from "./types.js";
import { isRootRelative } from "./url.js";

/**
 * What URLs resolve to, through the `validate: "once"` memos: the resolution of each URL (by
 * URL and base directory) in this generation, and the busted URL of each root-relative URL
 * called without options, the call a template build makes most. Both are cleared together by
 * `refresh()`, so the second is never older than the first. Without "once", no memo. URLs
 * left alone are not remembered; both memos are bounded (see `BoundedMap`).
 */
export class Lookups {
  readonly #memo = new BoundedMap<Resolution>();
  readonly #rendered = new BoundedMap<string>((key, busted) => key.length + busted.length);
  /**
   * With `validate: "watch"`: the same answers with the entry each was made from, reused while
   * the watcher vouches for that entry (the check a hit makes anyway, without the lookups).
   */
  readonly #watched = new BoundedMap<{ busted: string; entry: Entry }>((key, v) => key.length + v.busted.length);
  readonly #once: boolean;

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
    if (known === undefined) return undefined;
    const { cache, watch } = this.core;
    if (cache.entries.get(known.entry.key) !== known.entry || !watch?.fresh(known.entry, cache.entries))
      return undefined;
    cache.counters.hits++;
    return known.busted;
  }

  /** Remembers the busted URL of a call without options (see {@link rendered}). */
  remember(url: unknown, resolution: Resolution, busted: string): void {
    if (resolution.kind !== "file" || !isRootRelative(url as string)) return;
    if (this.#once) this.#rendered.set(url as string, busted);
    // One candidate only: a file appearing in a root searched first must be found at once.
    else if (this.core.watch && resolution.target.candidates.length === 1)
      this.#watched.set(url as string, { busted, entry: resolution.entry });
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
    const known = key === undefined ? undefined : this.#known(key);
    if (known) return done(undefined, known);
    this.drive.resolveAsync(url, call.from, (error, resolution) => {
      if (error === undefined && key !== undefined && resolution?.kind !== "skip")
        this.#memo.set(key, resolution as Resolution);
      done(error, resolution);
    });
  }

  /** Forgets both memos (a new build). */
  clear(): void {
    this.#memo.clear();
    this.#rendered.clear();
    this.#watched.clear();
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
