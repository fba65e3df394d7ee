import { CacheBustError, isCacheBustError, type MissingPolicy } from "../../src/index.js";
import {
  INTEGRITY_ARGUMENTS,
  URL_ARGUMENTS,
  algorithmOf,
  callOptions,
  checkPositional,
  escapeHtml,
} from "../common.js";
import { readCall, type PageInfo } from "./context.js";
import type { LayeredLookup } from "./lookup.js";
import type { WarnOnce } from "./problems.js";

/** What the filters read at each call: all of it may change from one build to the next. */
export interface FilterState {
  /** The lookup of the current build (made at the first call). */
  lookup(): LayeredLookup;
  /** The lookup if it exists yet, for the fast path. */
  ready(): LayeredLookup | undefined;
  /** The `missing` policy of the run (a build errs, watch and serve warn). */
  missing(): MissingPolicy | undefined;
  /** The plugin's warn-once reporter. */
  warnings: WarnOnce;
}

/** Names the template in an error, keeping its `code` (Eleventy shows the innermost message). */
export function inTemplate(error: unknown, page: PageInfo): unknown {
  if (!isCacheBustError(error) || page.inputPath === undefined) return error;
  return new CacheBustError(error.code, `${error.message} (in template ${page.inputPath})`, {
    url: error.url,
    file: error.file,
    cause: error,
  });
}

/**
 * Runs one lookup under a `missing` policy, so that a warning names the template as an error
 * does: under `warn` the lookup runs as `error`, and a missing file is warned about once per
 * template and URL, the URL given back unchanged.
 */
function underPolicy<T>(
  policy: MissingPolicy | undefined,
  state: FilterState,
  page: PageInfo,
  url: unknown,
  run: (missing: MissingPolicy | undefined) => T,
): T | undefined {
  if (policy !== "warn") return run(policy);
  try {
    return run("error");
  } catch (error) {
    if (!isCacheBustError(error) || error.code !== "MISSING_FILE") throw error;
    state.warnings.warn(`${page.inputPath}\0${String(url)}`, inTemplate(error, page) as CacheBustError);
    return undefined;
  }
}

/**
 * The `cache_bust` filter for every engine Eleventy runs, with the engine adapters' argument
 * and escaping rules: `{{ url | cache_bust(param='h') }}`, `{{ url | cache_bust: missing: 'warn' }}`,
 * `{{cache_bust url from="/x/"}}`, `this.cache_bust(url, { param: "h" })`.
 */
export function urlFilter(name: string, state: FilterState) {
  return function (this: unknown, url: unknown): unknown {
    // The common call, `{{ "/a.css" | cache_bust }}` again in another page: answered from the
    // build's memo when the answer needs no escaping (`arguments`, not a rest parameter, which allocates).
    if (arguments.length === 1 && typeof url === "string") {
      const known = state.ready()?.known(url);
      if (known !== undefined && escapeHtml(known) === known) return known;
    }
    const call = readCall(this, Array.prototype.slice.call(arguments));
    try {
      checkPositional(call.positional, 0, name, URL_ARGUMENTS);
      const options = callOptions(call.named, () => call.page.url, name, URL_ARGUMENTS);
      const from = typeof options.from === "string" ? options.from : call.page.url;
      const busted = underPolicy(options.missing ?? state.missing(), state, call.page, call.url, (missing) =>
        state.lookup().url(call.url, from, missing, options.param),
      );
      return call.output(busted ?? (call.url as string));
    } catch (error) {
      throw inTemplate(error, call.page);
    }
  };
}

/** The `integrity` filter for every engine Eleventy runs: `{{ url | integrity }}`, `{{ url | integrity("sha512") }}`. */
export function integrityFilter(state: FilterState) {
  return function (this: unknown, ...args: unknown[]): unknown {
    const call = readCall(this, args);
    try {
      checkPositional(call.positional, 1, "integrity", INTEGRITY_ARGUMENTS);
      const options = callOptions(call.named, () => call.page.url, "integrity", INTEGRITY_ARGUMENTS);
      const from = typeof options.from === "string" ? options.from : call.page.url;
      const algorithm = algorithmOf(call.positional[0], call.named, "integrity");
      return call.output(
        underPolicy(options.missing ?? state.missing(), state, call.page, call.url, (missing) =>
          state.lookup().integrity(call.url, algorithm, from, missing),
        ),
      );
    } catch (error) {
      throw inTemplate(error, call.page);
    }
  };
}
