import * as fs from "node:fs";
import { isCacheBustError } from "../core/errors.js";
import type { ContentTransformer, TransformContext } from "../core/types.js";
import { splitUrl } from "../core/url.js";
import { isPageLink } from "../html/rules.js";
import { onOrigin, underBase } from "./site-urls.js";
import type { Summary } from "./summary.js";

/** Where the site is served: the decoded URL path (ending in `/`) and, with a full `--base`, its origin. */
export interface SiteLocation {
  base: string;
  origin: string | undefined;
}

/** Counts a reference as found, and as busted to `out` (changed when it differs). */
function count(summary: Summary, ref: string, out: string | undefined): void {
  summary.references++;
  if (out === undefined) return;
  summary.busted++;
  if (out !== ref) summary.changed++;
}

/**
 * The local path part of a reference that the CLI busts, or `undefined` for one it leaves
 * alone: external, `data:`, a page link, or a URL outside `--base`.
 */
function localPath(ref: string, from: string, site: SiteLocation): string | undefined {
  const parts = splitUrl(ref);
  if (!parts || isPageLink(parts.path) || !underBase(parts.path, from, site.base, ref)) return undefined;
  return parts.path;
}

/** Whether an error says the URL names a directory: a page link written without its trailing slash. */
function namesDirectory(error: unknown): boolean {
  return (
    isCacheBustError(error) &&
    error.code === "NOT_A_FILE" &&
    error.file !== undefined &&
    fs.statSync(error.file, { throwIfNoEntry: false })?.isDirectory() === true
  );
}

/** The buster's answer for a URL seen from a page: the busted URL, or the error it threw. */
type Answer = { url: string } | { error: unknown };

/**
 * `ask` (`buster.url`, or a question to the thread that holds the buster) for the references
 * of pages, remembering each answer for the run: a layout's URLs recur on every page, and
 * within a run (`validate: "once"`) a URL's answer cannot change. A root-relative URL means
 * the same from every page; any other is remembered per page.
 */
export function pageBuster(ask: (url: string, from: string) => string): (url: string, from: string) => string {
  const answers = new Map<string, Answer>();
  return (url, from) => {
    const key = url.charCodeAt(0) === 0x2f && url.charCodeAt(1) !== 0x2f && url[1] !== "\\" ? url : `${from}\n${url}`;
    let answer = answers.get(key);
    if (answer === undefined) {
      try {
        answer = { url: ask(url, from) };
      } catch (error) {
        answer = { error };
      }
      answers.set(key, answer);
    }
    if ("error" in answer) throw answer.error;
    return answer.url;
  };
}

/**
 * Busts one reference of a page, counting it in `summary`: the new URL, `undefined` to leave
 * it, or the error (`onError`) when it names no usable file.
 */
export function bustPageReference(
  bust: (url: string, from: string) => string,
  site: SiteLocation,
  summary: Summary,
  url: string,
  from: string,
  onError: (error: unknown) => void,
): string | undefined {
  const own = onOrigin(url, site.origin);
  if (own) {
    const out = bustPageReference(bust, site, summary, own.rest, from, onError);
    return out === undefined ? undefined : own.prefix + out;
  }
  if (localPath(url, from, site) === undefined) return undefined;
  let out: string;
  try {
    out = bust(url, from);
  } catch (error) {
    if (namesDirectory(error)) return undefined;
    count(summary, url, undefined);
    onError(error);
    return undefined;
  }
  count(summary, url, out);
  return out;
}

/**
 * Wraps a transformer (stylesheets...) so that the references it busts are counted in
 * `summary`, those outside `--base` are left alone, and absolute URLs on the site's own origin
 * are busted too. `onSource` gets the text each rewrite was made from, to check before writing.
 */
export function countingTransformer(
  inner: ContentTransformer,
  site: SiteLocation,
  summary: Summary,
  onSource: (file: string, source: string) => void,
): ContentTransformer {
  return {
    name: inner.name,
    test: (urlPath, file) => inner.test(urlPath, file),
    transform(source, ctx) {
      onSource(ctx.file, source);
      const bust: TransformContext["bust"] = (ref, o) => {
        const own = onOrigin(ref, site.origin);
        if (own) {
          const out = bust(own.rest, o);
          return out === own.rest ? ref : own.prefix + out;
        }
        const parts = splitUrl(ref);
        if (parts && !underBase(parts.path, ctx.urlPath, site.base, ref)) return ref;
        if (!parts || isPageLink(parts.path)) return ctx.bust(ref, o);
        let out: string | undefined;
        try {
          out = ctx.bust(ref, o);
          return out;
        } finally {
          count(summary, ref, out);
        }
      };
      return inner.transform(source, { ...ctx, bust });
    },
  };
}
