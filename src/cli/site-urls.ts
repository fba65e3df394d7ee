import { baseDirectory, resolveUrlPath } from "../url.js";

/** `a/my page.html` -> `/a/my%20page.html` (under `base`, which ends in `/`). */
export function urlPathOf(rel: string, base = "/"): string {
  return base + rel.split("/").map(encodeURIComponent).join("/");
}

/**
 * Whether a local URL, seen from `from`, names a file under `base` (the site's URL path).
 * Under `--base /repo/`, `/other/x.png` belongs to another site on the same host.
 */
export function underBase(path: string, from: string, base: string, url: string): boolean {
  if (base === "/") return true;
  try {
    return resolveUrlPath(path, baseDirectory(from), url).startsWith(base);
  } catch {
    return true; // let the buster report the malformed URL where it is written
  }
}

/** Whether a URL path names a page or a directory, which are links, never busted. */
export function isPageLink(path: string): boolean {
  return path === "" || path.endsWith("/") || /\.x?html?$/i.test(path) || /(^|\/)\.\.?$/.test(path);
}

const ORIGIN = "http://cache-bust.invalid";

/** The URL path relative URLs of a page resolve against, or `null` for an external `<base>`. */
export function basePath(pageUrl: string, href: string | undefined): string | null {
  if (href === undefined || href.trim() === "") return pageUrl;
  try {
    const url = new URL(href, ORIGIN + pageUrl);
    return url.origin === ORIGIN ? url.pathname : null;
  } catch {
    return pageUrl;
  }
}
