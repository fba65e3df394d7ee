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
import { nunjucksArguments as splitArgs } from "./arguments.js";

export type { AdapterOptions, RegisterOptions } from "./common.js";

/** The part of a Nunjucks `Environment` the adapter uses (structural: no import of nunjucks). */
export interface NunjucksEnvironmentLike {
  addFilter(name: string, filter: (...args: any[]) => any, async?: boolean): unknown;
  getFilter(name: string): (...args: any[]) => any;
  opts?: { autoescape?: boolean };
}

/** What Nunjucks binds `this` to in a filter: the render context. */
interface FilterThis {
  ctx?: { page?: { url?: unknown } };
}

/**
 * Registers the `cache_bust` and `integrity` filters on a Nunjucks environment and returns the
 * CacheBuster they use. Relative URLs resolve against `page.url` of the render context;
 * keyword arguments `param`, `from` and `missing` override per call.
 *
 * @example
 * const env = new nunjucks.Environment();
 * registerNunjucks(env, { root: "public" });
 * env.renderString('<link href="{{ "/a.css" | cache_bust }}">', {}); // href="/a.css?v=…"
 */
export function registerNunjucks(
  env: NunjucksEnvironmentLike,
  options?: RegisterOptions,
  adapterOptions?: AdapterOptions,
): CacheBuster {
  expectEngine(
    typeof env?.addFilter === "function" && typeof env?.getFilter === "function",
    "registerNunjucks",
    "a Nunjucks Environment (new nunjucks.Environment())",
  );
  const { buster, filterName, integrityName } = setup(options, adapterOptions);
  // The env's own `safe` filter makes a SafeString of the env's copy of Nunjucks.
  const markSafe = env.getFilter("safe");

  // With autoescape on, Nunjucks escapes the plain string itself (and it stays a plain string
  // for `| dump` and friends); with it off nothing would, so the filter escapes and marks safe.
  const output = (value: string | undefined): unknown => {
    if (value === undefined || env.opts?.autoescape !== false) return value;
    return markSafe(escapeHtml(value));
  };

  env.addFilter(filterName, function (this: FilterThis, url: unknown) {
    // The common call, `{{ "/a.css" | cache_bust }}`: no arguments to check, no object to build
    // (`arguments`, not a rest parameter, which would allocate an array on every call).
    if (arguments.length === 1 && typeof url === "string") {
      return output(buster.url(url, isRootRelative(url) ? undefined : pageUrl(this?.ctx?.page?.url)));
    }
    const { positional, named } = splitArgs(Array.prototype.slice.call(arguments, 1));
    checkPositional(positional, 0, filterName, URL_ARGUMENTS);
    return output(
      buster.url(
        url as string,
        callOptions(named, () => pageUrl(this?.ctx?.page?.url), filterName, URL_ARGUMENTS),
      ),
    );
  });

  env.addFilter(integrityName, function (this: FilterThis, url: unknown, ...args: unknown[]) {
    const { positional, named } = splitArgs(args);
    checkPositional(positional, 1, integrityName, INTEGRITY_ARGUMENTS);
    const call = callOptions(named, () => pageUrl(this?.ctx?.page?.url), integrityName, INTEGRITY_ARGUMENTS);
    return output(buster.integrity(url as string, algorithmOf(positional[0], named, integrityName), call));
  });

  return buster;
}
