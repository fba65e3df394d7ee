import { isCacheBustError, splitUrl } from "../../src/index.js";
import { basePath } from "../../src/html/base.js";
import { rewriteHtml } from "../../src/html/rewrite.js";
import { isPageLink } from "../../src/html/rules.js";
import type { LayeredLookup } from "./lookup.js";
import { isPageUrl } from "./pages.js";

/** What the transform reads at each URL: all of it may change from one build to the next. */
export interface AutoState {
  lookup(): LayeredLookup;
  pages(): ReadonlySet<string>;
  pathPrefix(): string;
}

/** What Eleventy gives a transform as `this`. */
export interface TransformThis {
  page?: { url?: unknown };
  url?: unknown;
  outputPath?: unknown;
}

/** Busts one URL of a page, or `undefined` to leave it: page links, directories, missing and external URLs. */
function bustFrom(state: AutoState, from: string) {
  return (url: string): string | undefined => {
    const parts = splitUrl(url);
    if (!parts || isPageLink(parts.path) || isPageUrl(url, from, state.pages(), state.pathPrefix())) return undefined;
    try {
      return state.lookup().url(url, from, "ignore");
    } catch (error) {
      // Directories, URLs outside the site, malformed URLs: left alone, silently.
      if (isCacheBustError(error)) return undefined;
      throw error;
    }
  };
}

/**
 * The Eleventy transform behind `auto: true` (`eleventyConfig.addTransform`): rewrites an
 * HTML page's resource URLs with the same reader and attribute rules as the CLI (`src`,
 * `srcset`, `poster`, `<link>` assets, lazy-load attributes, `url()` in `style=""` and
 * `<style>`); page links never. Only URLs that name an existing regular file that is not a
 * page are busted; everything else stays as written, byte for byte, silently.
 */
export function autoBustTransform(state: AutoState) {
  return function autoBust(this: TransformThis | undefined, content: unknown, outputPath?: unknown): unknown {
    const output = outputPath ?? this?.outputPath;
    if (typeof content !== "string" || typeof output !== "string" || !/\.html?$/i.test(output)) return content;
    const pageUrl =
      typeof this?.page?.url === "string" ? this.page.url : typeof this?.url === "string" ? this.url : "/";
    const out = rewriteHtml(content, {
      bustFor: (href) => {
        const from = basePath(pageUrl, href);
        if (from === null) return () => undefined;
        return bustFrom(state, from);
      },
      // A `<style>` the CSS reader cannot parse is left as written, like any other URL it cannot bust.
      onCssError: () => {},
    });
    return out ?? content;
  };
}
