import { baseDirectory, resolveUrlPath } from "../core/url.js";

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

const AUTHORITY = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):)?\/\/[^/?#\\]*/;

/**
 * Splits an absolute or protocol-relative URL on the site's own origin into the part kept as
 * written (`https://example.com`) and a root-relative rest (`/img/a.png?x#y`), so the rest can
 * be busted like any local URL; `undefined` for a URL on another origin, or the bare origin.
 *
 * @example
 * onOrigin("https://EXAMPLE.com/a.png", "https://example.com") // { prefix: "https://EXAMPLE.com", rest: "/a.png" }
 */
export function onOrigin(url: string, origin: string | undefined): { prefix: string; rest: string } | undefined {
  if (origin === undefined) return undefined;
  const m = AUTHORITY.exec(url);
  if (!m) return undefined;
  const scheme = m[1]?.toLowerCase();
  if (scheme !== undefined && scheme !== "http" && scheme !== "https") return undefined;
  let parsed: URL;
  try {
    parsed = new URL(scheme ? m[0] : `${new URL(origin).protocol}${m[0]}`);
  } catch {
    return undefined;
  }
  // http and https on the same host name the same files.
  if (parsed.host !== new URL(origin).host) return undefined;
  const rest = url.slice(m[0].length);
  return rest.startsWith("/") ? { prefix: m[0], rest } : undefined;
}
