import { cssTransformer } from "../../src/css/index.js";
import type { MissingPolicy } from "../../src/index.js";
import type { LayeredLookup } from "./lookup.js";

/** What Eleventy's bundle plugin binds `this` to in a transform. */
export interface BundleThis {
  type?: string;
  page?: { url?: unknown; inputPath?: unknown };
}

/** What a bundle transform needs of the plugin, found when the first bundle is made. */
export interface BundleState {
  lookup(): LayeredLookup;
  missing(): MissingPolicy | undefined;
}

/**
 * A transform for `@11ty/eleventy-plugin-bundle` (`addBundle("css", { transforms: [...] })`)
 * that busts the `url()`, `@import` and `image-set()` URLs of a CSS bundle through the
 * plugin's lookup, as a stylesheet file's are. Relative URLs resolve against the page (right
 * for a bundle inlined with `getBundle`; a bundle written to a file with `getBundleFileUrl`
 * lives elsewhere, so use root-relative URLs there). Other bundle types pass through.
 */
export function cssBundleTransform(state: () => BundleState | undefined) {
  const css = cssTransformer();
  return function cacheBustBundle(this: BundleThis | undefined, content: string): string {
    const plugin = state();
    if (this?.type !== "css" || typeof content !== "string" || !plugin) return content;
    const from = typeof this.page?.url === "string" ? this.page.url : "/";
    const inputPath = typeof this.page?.inputPath === "string" ? this.page.inputPath : from;
    const ctx = {
      urlPath: from,
      file: `the css bundle of ${inputPath}`,
      bust: (ref: string, options?: { missing?: MissingPolicy }) =>
        plugin.lookup().url(ref, from, options?.missing ?? plugin.missing()),
    };
    return css.transform(content, ctx) ?? content;
  };
}
