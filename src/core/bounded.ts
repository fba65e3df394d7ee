/** Most entries a {@link BoundedMap} holds before it starts again. */
export const MAX_CACHE_ENTRIES = 50_000;

/**
 * Most characters (UTF-16 code units, 2 bytes each) of URL text a {@link BoundedMap} holds
 * before it starts again: 8 Mi characters, 16 MiB. One entry larger than that is not stored.
 */
export const MAX_CACHE_CHARS = 8 << 20;

/**
 * A string-keyed map with a bound on its entries and on the characters they hold (as `weigh`
 * counts them, by default the key's length). Past either bound it forgets everything and
 * starts again: what it holds is a memo of pure answers, so forgetting costs only time.
 */
export class BoundedMap<V> {
  readonly #map = new Map<string, V>();
  #chars = 0;

  constructor(
    readonly weigh: (key: string, value: V) => number = (key) => key.length,
    readonly maxEntries = MAX_CACHE_ENTRIES,
    readonly maxChars = MAX_CACHE_CHARS,
  ) {}

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
    if (chars > this.maxChars) return;
    if (this.#map.size >= this.maxEntries || this.#chars + chars > this.maxChars) this.clear();
    this.#map.set(key, value);
    this.#chars += chars;
  }

  /** Forgets everything. */
  clear(): void {
    this.#map.clear();
    this.#chars = 0;
  }
}
