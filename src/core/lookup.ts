import { BoundedMap } from "./bounded.js";
import type { Drivers } from "./drive.js";
import type { Core, Resolution } from "./resolve.js";
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
  readonly #once: boolean;

  constructor(
    readonly core: Core,
    readonly drive: Drivers,
  ) {
    this.#once = core.opts.validate === "once";
  }

  /** The busted URL remembered for a root-relative URL called without options, counted as a hit. */
  rendered(url: unknown): string | undefined {
    if (!this.#once || typeof url !== "string") return undefined;
    const known = this.#rendered.get(url);
    if (known !== undefined) this.core.cache.counters.hits++;
    return known;
  }

  /** Remembers the busted URL of a call without options (see {@link rendered}). */
  remember(url: unknown, resolution: Resolution, busted: string): void {
    if (this.#once && resolution.kind === "file" && isRootRelative(url as string))
      this.#rendered.set(url as string, busted);
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

  /** What a URL resolves to, without blocking. */
  async async(url: unknown, call: CallOptions): Promise<Resolution> {
    const key = this.#keyOf(url, call);
    const known = key === undefined ? undefined : this.#known(key);
    if (known) return known;
    const resolution = await this.drive.resolveAsync(url, call.from);
    if (key !== undefined && resolution.kind !== "skip") this.#memo.set(key, resolution);
    return resolution;
  }

  /** Forgets both memos (a new build). */
  clear(): void {
    this.#memo.clear();
    this.#rendered.clear();
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
