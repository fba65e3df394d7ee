/**
 * How each engine hands a filter its arguments after the URL, split into positional ones and
 * named ones (`param`, `from`, `missing`...). The standalone adapters and the Eleventy plugin
 * read them with these same functions.
 */

/** A filter call's arguments after the URL. */
export interface SplitArguments {
  positional: unknown[];
  named: Record<string, unknown>;
}

/** Nunjucks: keyword arguments arrive as a last object marked `__keywords`. */
export function nunjucksArguments(args: unknown[]): SplitArguments {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === "object" && last.__keywords === true) {
    const { __keywords: _, ...named } = last;
    return { positional: args.slice(0, -1), named };
  }
  return { positional: args, named: {} };
}

/** LiquidJS: `key: value` arrives as a `[key, value]` pair. */
export function liquidArguments(args: unknown[]): SplitArguments {
  const positional: unknown[] = [];
  const named: Record<string, unknown> = {};
  for (const arg of args) {
    if (Array.isArray(arg) && arg.length === 2 && typeof arg[0] === "string") named[arg[0]] = arg[1];
    else positional.push(arg);
  }
  return { positional, named };
}

/** The object Handlebars passes last to every helper. */
export interface HandlebarsHelperOptions {
  hash?: Record<string, unknown>;
  data?: { root?: Record<string, unknown> & { page?: { url?: unknown; inputPath?: unknown } } };
}

/** Whether a value is the `options` object Handlebars passes last to every helper. */
export function isHandlebarsOptions(value: unknown): value is HandlebarsHelperOptions {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.lookupProperty === "function" || ("hash" in v && "data" in v && "name" in v);
}

/** Handlebars: every argument is positional (the URL first); named ones are the trailing options' `hash`. */
export function handlebarsArguments(args: unknown[]): SplitArguments & { options: HandlebarsHelperOptions } {
  const options = (args[args.length - 1] ?? {}) as HandlebarsHelperOptions;
  return { positional: args.slice(0, -1), named: options.hash ?? {}, options };
}

/** JavaScript templates (11ty.js): options are a last plain object, `this.cache_bust(url, { param: "h" })`. */
export function objectArguments(args: unknown[]): SplitArguments {
  const last = args[args.length - 1];
  if (
    last !== null &&
    typeof last === "object" &&
    !Array.isArray(last) &&
    Object.getPrototypeOf(last) === Object.prototype
  ) {
    return { positional: args.slice(0, -1), named: last as Record<string, unknown> };
  }
  return { positional: args, named: {} };
}
