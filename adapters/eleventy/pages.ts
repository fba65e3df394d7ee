import { baseDirectory, resolveUrlPath, splitUrl } from "../../src/index.js";

function decoded(url: string): string {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
}

/**
 * The URL paths of a build's pages (from Eleventy's content map), with both spellings of a
 * directory index: `/about/` and `/about/index.html`.
 */
export function pageUrlSet(urls: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const raw of urls) {
    const url = decoded(raw);
    out.add(url);
    if (url.endsWith("/")) out.add(`${url}index.html`);
    if (url.endsWith("/index.html")) out.add(url.slice(0, -"index.html".length));
  }
  return out;
}

/**
 * Whether a URL in HTML output names one of the build's pages (so `auto` leaves it alone).
 * A URL that cannot be resolved counts as a page: it is left alone too.
 */
export function isPageUrl(
  url: string,
  from: string | undefined,
  pages: ReadonlySet<string>,
  pathPrefix: string,
): boolean {
  if (pages.size === 0) return false;
  const parts = splitUrl(url);
  if (!parts) return false;
  let path: string;
  try {
    path = resolveUrlPath(parts.path, baseDirectory(from), url);
  } catch {
    return true;
  }
  if (pages.has(path)) return true;
  return pathPrefix !== "/" && path.startsWith(pathPrefix) && pages.has(`/${path.slice(pathPrefix.length)}`);
}
