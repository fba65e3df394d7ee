/** What a filter knows about the page being rendered. */
export interface PageInfo {
  /** `page.url`: relative URLs resolve against it. */
  url: string | undefined;
  /** `page.inputPath`: named in error messages. */
  inputPath: string | undefined;
}

type Bag = Record<string, unknown> | undefined;

/** Handlebars passes an `options` object last to every helper; it is not an argument. */
export function isHandlebarsOptions(value: unknown): value is { data?: { root?: Bag }; hash?: Bag } {
  if (value === null || typeof value !== "object") return false;
  const v = value as Record<string, unknown>;
  return typeof v.lookupProperty === "function" || ("hash" in v && "data" in v && "name" in v);
}

/** Liquid with `strictVariables` hands filters a lazy `page` getter instead of the object. */
function unwrap(value: unknown): Bag {
  const page = typeof value === "function" ? (value as () => unknown)() : value;
  return page !== null && typeof page === "object" ? (page as Record<string, unknown>) : undefined;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/**
 * The page a filter call renders, from the filter's `this` (every engine Eleventy augments)
 * or, for Handlebars helpers called inside a block, the root data of the helper's `options`.
 * Liquid `{% render %}` partials have no page: both fields are then `undefined`.
 */
export function pageOf(self: unknown, handlebars?: { data?: { root?: Bag } }): PageInfo {
  const context = self !== null && typeof self === "object" ? (self as Record<string, unknown>) : undefined;
  let page = unwrap(context?.page);
  if (!page && handlebars) page = unwrap(handlebars.data?.root?.page);
  if (!page && context?.ctx && typeof context.ctx === "object") page = unwrap((context.ctx as Record<string, unknown>).page);
  return { url: str(page?.url), inputPath: str(page?.inputPath) };
}

/**
 * Splits a filter's arguments into the real ones and Handlebars' trailing `options`.
 *
 * @example
 * splitArguments(["/a.css", hbsOptions]) // { args: ["/a.css"], handlebars: hbsOptions }
 */
export function splitArguments(args: unknown[]): { args: unknown[]; handlebars?: { data?: { root?: Bag } } } {
  const last = args[args.length - 1];
  if (args.length > 0 && isHandlebarsOptions(last)) return { args: args.slice(0, -1), handlebars: last };
  return { args };
}
