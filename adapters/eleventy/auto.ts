import { isCacheBustError } from "../../src/index.js";
import { decodeAttribute, encodeAttribute } from "./html.js";
import type { LayeredLookup } from "./lookup.js";
import { isPageUrl } from "./pages.js";

/** What the transform reads at each URL: all of it may change from one build to the next. */
export interface AutoState {
  lookup(): LayeredLookup;
  pages(): ReadonlySet<string>;
  pathPrefix(): string;
}

/**
 * The callback for `eleventyConfig.htmlTransformer.addUrlTransform` behind `auto: true`. It
 * gets one URL at a time (each `srcset` candidate alone), as raw attribute text with its
 * character references, and returns the text to write back. Only URLs that name an existing
 * regular file that is not a page are busted; everything else comes back as given, silently.
 */
export function autoBustTransform(state: AutoState) {
  return function autoBust(this: { page?: { url?: unknown }; url?: unknown } | undefined, raw: string): string {
    if (typeof raw !== "string") return raw;
    const decoded = decodeAttribute(raw);
    if (decoded === undefined) return raw;
    const from = typeof this?.page?.url === "string" ? this.page.url : typeof this?.url === "string" ? this.url : undefined;
    if (isPageUrl(decoded, from, state.pages(), state.pathPrefix())) return raw;
    try {
      return encodeAttribute(raw, decoded, state.lookup().url(decoded, from, "ignore"));
    } catch (error) {
      // Directories, URLs outside the site, malformed URLs: left alone, silently.
      if (isCacheBustError(error)) return raw;
      throw error;
    }
  };
}
