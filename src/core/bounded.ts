/** Most entries a {@link BoundedMap} holds before it starts again. */
export const MAX_CACHE_ENTRIES = 50_000;

/**
 * Most characters (UTF-16 code units, 2 bytes each) of URL text a {@link BoundedMap} holds
 * before it starts again: 8 Mi characters, 16 MiB. One entry larger than that is not stored.
 */
export const MAX_CACHE_CHARS = 8 << 20;

/**
 * The bound itself: how many entries and characters a memo holds so far. Every memo of the
 * core counts through one of these, so the rule is written once.
 *
 * @example
 * const bound = new Bound();
 * if (!bound.admit(key.length)) memo.clear(); // then store, or not: see `admit`
 */
export class Bound {
  #entries = 0;
  #chars = 0;

  constructor(
    readonly maxEntries = MAX_CACHE_ENTRIES,
    readonly maxChars = MAX_CACHE_CHARS,
  ) {}

  /**
   * Counts one more entry of `chars` characters. `false` when it would pass the bound: the
   * counts then start again from nothing, and the caller forgets what it holds.
   */
  admit(chars: number): boolean {
    if (this.#entries + 1 > this.maxEntries || this.#chars + chars > this.maxChars) {
      this.reset();
      return false;
    }
    this.#entries++;
    this.#chars += chars;
    return true;
  }

  /**
   * Counts one more entry of `chars` characters, starting again when it would pass the bound:
   * `forget` then empties the memo, and this entry is the first of the new count.
   */
  admitOrRestart(chars: number, forget: () => void): void {
    if (this.admit(chars)) return;
    forget();
    this.admit(chars);
  }

  /** Starts counting again (the memo was emptied). */
  reset(): void {
    this.#entries = 0;
    this.#chars = 0;
  }
}

/**
 * A string-keyed map with a bound on its entries and on the characters they hold (as `weigh`
 * counts them, by default the key's length). Past either bound it forgets everything and
 * starts again: what it holds is a memo of pure answers, so forgetting costs only time.
 */
export class BoundedMap<V> {
  readonly #map = new Map<string, V>();
  readonly #bound: Bound;
  /** Made once: `set` runs on every first use of a URL. */
  readonly #forget = () => this.#map.clear();

  constructor(
    readonly weigh: (key: string, value: V) => number = (key) => key.length,
    maxEntries = MAX_CACHE_ENTRIES,
    maxChars = MAX_CACHE_CHARS,
  ) {
    this.#bound = new Bound(maxEntries, maxChars);
  }

  /** The value remembered for `key`. */
  get(key: string): V | undefined {
    return this.#map.get(key);
  }

  /** Whether `key` is remembered. */
  has(key: string): boolean {
    return this.#map.has(key);
  }

  /** Remembers `value` for `key`, unless it alone passes the bound. */
  set(key: string, value: V): void {
    const chars = this.weigh(key, value);
    if (chars > this.#bound.maxChars) return;
    this.#bound.admitOrRestart(chars, this.#forget);
    this.#map.set(key, value);
  }

  /** Forgets everything. */
  clear(): void {
    this.#map.clear();
    this.#bound.reset();
  }
}
