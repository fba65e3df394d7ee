/** Origin standing in for the site's own while resolving `<base href>` with `URL`. */
const ORIGIN = "http://cache-id.invalid";

/**
 * The URL path relative URLs of a page resolve against, or `null` for a `<base>` on another
 * site (`origin`, when given, is the site's own).
 *
 * @example
 * basePath("/blog/post/", "../") // "/blog/"
 */
export function basePath(pageUrl: string, href: string | undefined, origin?: string): string | null {
  if (href === undefined || href.trim() === "") return pageUrl;
  try {
    const url = new URL(href.trim(), ORIGIN + pageUrl);
    return url.origin === ORIGIN || url.origin === origin ? url.pathname : null;
  } catch {
    return pageUrl;
  }
}
