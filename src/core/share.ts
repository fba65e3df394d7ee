import { createCacheBuster, isCacheBuster } from "./buster.js";
import { CacheBustError } from "./errors.js";
import type { CacheBuster, CacheBustOptions } from "./types.js";

/**
 * What an adapter does with its second argument: an existing CacheBuster is shared as it is,
 * options (less the adapter's own keys, such as `filterName`) make a new one.
 *
 * @example
 * const { buster, extra } = toCacheBuster(options, { filterName: "cache_bust" });
 */
export function toCacheBuster<E extends Record<string, unknown>>(
  optionsOrBuster: CacheBustOptions | CacheBuster | undefined,
  extraDefaults: E,
): { buster: CacheBuster; extra: E } {
  if (isCacheBuster(optionsOrBuster)) return { buster: optionsOrBuster, extra: { ...extraDefaults } };
  if (optionsOrBuster !== undefined && (optionsOrBuster === null || typeof optionsOrBuster !== "object")) {
    throw new CacheBustError(
      "BAD_ARGUMENT",
      `cache-id: expected options or a CacheBuster, got ${String(optionsOrBuster)}`,
    );
  }
  const own: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(optionsOrBuster ?? {})) {
    if (key in extraDefaults) own[key] = value;
    else rest[key] = value;
  }
  const extra = { ...extraDefaults };
  for (const [key, value] of Object.entries(own))
    if (value !== undefined) (extra as Record<string, unknown>)[key] = value;
  return { buster: createCacheBuster(rest as CacheBustOptions), extra };
}
