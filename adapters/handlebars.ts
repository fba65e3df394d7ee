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
import { handlebarsArguments, type HandlebarsHelperOptions as HelperOptions } from "./arguments.js";

export type { AdapterOptions, RegisterOptions } from "./common.js";

/** The part of a Handlebars instance the adapter uses (structural: no import of handlebars). */
export interface HandlebarsLike {
  registerHelper(name: string, fn: (...args: any[]) => any): void;
  SafeString: new (text: string) => unknown;
}

/** Whether an object has an own enumerable key, without making an array of them. */
function hasKeys(o: Record<string, unknown> | undefined): boolean {
  for (const _ in o) return true;
  return false;
}

/**
 * Registers the `cache_bust` and `integrity` helpers on a Handlebars instance (the global one
 * or one from `Handlebars.create()`) and returns the CacheBuster they use. Relative URLs
 * resolve against `page.url` of the root context; hash arguments `param`, `from` and `missing`
 * override per call.
 *
 * @example
 * registerHandlebars(Handlebars, { root: "public" });
 * Handlebars.compile('<link href="{{cache_bust "/a.css"}}">')({}); // href="/a.css?v=…"
 */
export function registerHandlebars(
  handlebars: HandlebarsLike,
  options?: RegisterOptions,
  adapterOptions?: AdapterOptions,
): CacheBuster {
  expectEngine(
    typeof handlebars?.registerHelper === "function" && typeof handlebars?.SafeString === "function",
    "registerHandlebars",
    "a Handlebars instance (Handlebars or Handlebars.create())",
  );
  const { buster, filterName, integrityName } = setup(options, adapterOptions);
  const { SafeString } = handlebars;

  // Escaped once here and marked safe: right in `{{ }}` (no `&#x3D;` noise) and still safe in
  // `{{{ }}}`, where Handlebars would not escape at all.
  const output = (value: string | undefined): unknown =>
    value === undefined ? value : new SafeString(escapeHtml(value));

  handlebars.registerHelper(filterName, function (first: unknown, last: HelperOptions | undefined) {
    // The common call, `{{cache_bust "/a.css"}}`: no hash arguments to check, no object to build
    // (`arguments`, not a rest parameter, which would allocate an array on every call).
    if (arguments.length === 2 && typeof first === "string" && !hasKeys(last?.hash)) {
      return output(buster.url(first, isRootRelative(first) ? undefined : pageUrl(last?.data?.root?.page?.url)));
    }
    const { positional, named, options: helper } = handlebarsArguments(Array.prototype.slice.call(arguments));
    const [url, ...rest] = positional;
    checkPositional(rest, 0, filterName, URL_ARGUMENTS);
    return output(
      buster.url(
        url as string,
        callOptions(named, () => pageUrl(helper.data?.root?.page?.url), filterName, URL_ARGUMENTS),
      ),
    );
  });

  handlebars.registerHelper(integrityName, (...args: unknown[]) => {
    const { positional, named, options: helper } = handlebarsArguments(args);
    const [url, ...rest] = positional;
    checkPositional(rest, 1, integrityName, INTEGRITY_ARGUMENTS);
    const call = callOptions(named, () => pageUrl(helper.data?.root?.page?.url), integrityName, INTEGRITY_ARGUMENTS);
    return output(buster.integrity(url as string, algorithmOf(rest[0], named, integrityName), call));
  });

  return buster;
}
