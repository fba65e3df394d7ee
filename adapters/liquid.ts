import { isRootRelative, type CacheBuster } from "../src/index.js";
import {
  INTEGRITY_ARGUMENTS,
  URL_ARGUMENTS,
  algorithmOf,
  callOptions,
  checkPositional,
  escapeHtml,
  expectEngine,
  pageUrl,
  setup,
  type AdapterOptions,
  type RegisterOptions,
} from "./common.js";
import { liquidArguments as splitArgs } from "./arguments.js";

export type { AdapterOptions, RegisterOptions } from "./common.js";

/** The part of a LiquidJS `Liquid` instance the adapter uses (structural: no import of liquidjs). */
export interface LiquidLike {
  registerFilter(name: string, filter: (...args: any[]) => any): void;
  options?: { outputEscape?: unknown };
}

/** What LiquidJS binds `this` to in a filter. */
interface FilterThis {
  context?: { getSync(path: unknown[]): unknown };
}

function pageOf(self: FilterThis | undefined): string | undefined {
  try {
    return pageUrl(self?.context?.getSync(["page", "url"]));
  } catch {
    // `strictVariables` throws for a context without `page`: then there is no page URL.
    return undefined;
  }
}

/**
 * Registers the `cache_bust` and `integrity` filters on a LiquidJS instance and returns the
 * CacheBuster they use; they work in `parseAndRender` and `parseAndRenderSync` alike.
 * Relative URLs resolve against `page.url`; named arguments `param`, `from` and `missing`
 * override per call.
 *
 * @example
 * const liquid = new Liquid();
 * registerLiquid(liquid, { root: "public" });
 * liquid.parseAndRenderSync('<link href="{{ "/a.css" | cache_bust }}">'); // href="/a.css?v=…"
 */
export function registerLiquid(
  liquid: LiquidLike,
  options?: RegisterOptions,
  adapterOptions?: AdapterOptions,
): CacheBuster {
  expectEngine(typeof liquid?.registerFilter === "function", "registerLiquid", "a LiquidJS instance (new Liquid())");
  const { buster, filterName, integrityName } = setup(options, adapterOptions);

  // With `outputEscape` set, Liquid escapes (as the user chose) after the last filter; without
  // it nothing would, so the filter returns HTML-escaped text.
  const output = (value: string | undefined): string | undefined =>
    value === undefined || liquid.options?.outputEscape ? value : escapeHtml(value);

  liquid.registerFilter(filterName, function (this: FilterThis, url: unknown) {
    // The common call, `{{ "/a.css" | cache_bust }}`: no arguments to check, no object to build
    // (`arguments`, not a rest parameter, which would allocate an array on every call).
    if (arguments.length === 1 && typeof url === "string")
      return output(buster.url(url, isRootRelative(url) ? undefined : pageOf(this)));
    const { positional, named } = splitArgs(Array.prototype.slice.call(arguments, 1));
    checkPositional(positional, 0, filterName, URL_ARGUMENTS);
    return output(
      buster.url(
        url as string,
        callOptions(named, () => pageOf(this), filterName, URL_ARGUMENTS),
      ),
    );
  });

  liquid.registerFilter(integrityName, function (this: FilterThis, url: unknown, ...args: unknown[]) {
    const { positional, named } = splitArgs(args);
    checkPositional(positional, 1, integrityName, INTEGRITY_ARGUMENTS);
    const call = callOptions(named, () => pageOf(this), integrityName, INTEGRITY_ARGUMENTS);
    return output(buster.integrity(url as string, algorithmOf(positional[0], named, integrityName), call));
  });

  return buster;
}
