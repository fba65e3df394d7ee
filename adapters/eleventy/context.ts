import {
  handlebarsArguments,
  isHandlebarsOptions,
  liquidArguments,
  nunjucksArguments,
  objectArguments,
  type SplitArguments,
} from "../arguments.js";
import { escapeHtml } from "../common.js";

/** What a filter knows about the page being rendered. */
export interface PageInfo {
  /** `page.url`: relative URLs resolve against it. */
  url: string | undefined;
  /** `page.inputPath`: named in error messages. */
  inputPath: string | undefined;
}

/** One filter call under Eleventy, read the way the engine's own adapter reads it. */
export interface FilterCall extends SplitArguments {
  /** The first argument: the URL. */
  url: unknown;
  page: PageInfo;
  /** Puts a result into the engine's output the way the engine's adapter does. */
  output(value: string | undefined): unknown;
}

type Bag = Record<string, unknown> | undefined;

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
  if (!page && context?.ctx && typeof context.ctx === "object")
    page = unwrap((context.ctx as Record<string, unknown>).page);
  return { url: str(page?.url), inputPath: str(page?.inputPath) };
}

interface EngineThis {
  env?: { opts?: { autoescape?: boolean }; getFilter?(name: string): (value: string) => unknown };
  ctx?: unknown;
  liquid?: { options?: { outputEscape?: unknown } };
  context?: unknown;
}

const asIs = (value: string | undefined): unknown => value;
const escaped = (value: string | undefined): unknown => (value === undefined ? value : escapeHtml(value));

/**
 * The escaping rule of the engine adapters, by engine: Nunjucks with autoescape on and Liquid
 * with `outputEscape` escape the plain string themselves; otherwise the filter escapes (and
 * Nunjucks marks it safe, so an explicit `| escape` does not escape twice). Handlebars escapes
 * `{{ }}` itself; 11ty.js templates escape nothing, so the filter does.
 */
function outputFor(self: EngineThis | undefined, engine: "nunjucks" | "liquid" | "handlebars" | "javascript") {
  if (engine === "handlebars") return asIs;
  if (engine === "nunjucks") {
    if (self?.env?.opts?.autoescape !== false) return asIs;
    const safe = self.env.getFilter?.("safe");
    return (value: string | undefined) => (value === undefined || !safe ? escaped(value) : safe(escapeHtml(value)));
  }
  if (engine === "liquid" && self?.liquid?.options?.outputEscape) return asIs;
  return escaped;
}

/**
 * Reads a filter call under Eleventy: which engine calls (from what Eleventy binds `this`
 * to), its arguments split by that engine's rule, the page, and the engine's output rule.
 *
 * @example
 * readCall(nunjucksContext, ["/a.css", { param: "h", __keywords: true }]) // { url: "/a.css", named: { param: "h" }, ... }
 */
export function readCall(self: unknown, args: unknown[]): FilterCall {
  const engineThis = (self !== null && typeof self === "object" ? self : undefined) as EngineThis | undefined;
  const [url, ...rest] = args;
  const last = args[args.length - 1];
  if (args.length > 0 && isHandlebarsOptions(last)) {
    const split = handlebarsArguments(args);
    return {
      ...split,
      url: split.positional[0],
      positional: split.positional.slice(1),
      page: pageOf(self, split.options),
      output: asIs,
    };
  }
  const page = pageOf(self);
  if (engineThis?.env && engineThis.ctx)
    return { url, ...nunjucksArguments(rest), page, output: outputFor(engineThis, "nunjucks") };
  if (engineThis?.liquid && engineThis.context)
    return { url, ...liquidArguments(rest), page, output: outputFor(engineThis, "liquid") };
  return { url, ...objectArguments(rest), page, output: outputFor(engineThis, "javascript") };
}
