import { CacheBustError, showUrl } from "./errors.js";

/** Longest local URL (in characters) that is looked up; longer ones are `BAD_URL`. */
export const MAX_URL_LENGTH = 8192;

/** A URL taken apart, keeping the caller's spelling of every part. */
export interface UrlParts {
  /** Whitespace before the URL, kept as written (browsers ignore it). */
  lead: string;
  /** The path as written, still percent-encoded: `/img/my%20car.jpg` or `car.jpg`. */
  path: string;
  /** The query without its `?`, or `undefined` when the URL has no `?`. */
  query: string | undefined;
  /** The fragment without its `#`, or `undefined` when the URL has no `#`. */
  fragment: string | undefined;
  /** Whitespace after the URL, kept as written. */
  trail: string;
}

const SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

/** A UTF-16 surrogate without its pair: no file name has one, and `encodeURI` throws on it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What {@link resolveUrlPath} would change in a path starting with `/`: `\`, `//`, `.` or `..` segments. */
const NOT_NORMAL = /\\|\/(?:\/|\.\.?(?:\/|$))/;

/**
 * Splits a URL into path, query and fragment, or returns `undefined` for a URL that is left
 * exactly as given: one with a scheme (`https:`, `data:`...), protocol-relative (`//host/x`),
 * fragment-only (`#x`), query-only (`?x`) or blank.
 *
 * @example
 * splitUrl("/a.css?x=1#top") // { lead: "", path: "/a.css", query: "x=1", fragment: "top", trail: "" }
 * splitUrl("https://cdn.example/a.css") // undefined
 */
export function splitUrl(url: string): UrlParts | undefined {
  const start = url.length - url.trimStart().length;
  const end = url.trimEnd().length;
  if (end <= start) return undefined;
  const body = url.slice(start, end);
  if (SCHEME.test(body)) return undefined;
  const c0 = body[0];
  const c1 = body[1];
  // Browsers read `\` as `/` in http(s) URLs, so `/\host` is protocol-relative too.
  if ((c0 === "/" || c0 === "\\") && (c1 === "/" || c1 === "\\")) return undefined;
  if (c0 === "#" || c0 === "?") return undefined;
  const hashAt = body.indexOf("#");
  const beforeHash = hashAt < 0 ? body : body.slice(0, hashAt);
  const queryAt = beforeHash.indexOf("?");
  return {
    lead: url.slice(0, start),
    path: queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt),
    query: queryAt < 0 ? undefined : beforeHash.slice(queryAt + 1),
    fragment: hashAt < 0 ? undefined : body.slice(hashAt + 1),
    trail: url.slice(end),
  };
}

/** Puts parts back together: the inverse of {@link splitUrl}. */
export function joinUrl(parts: UrlParts): string {
  let out = parts.lead + parts.path;
  if (parts.query !== undefined) out += `?${parts.query}`;
  if (parts.fragment !== undefined) out += `#${parts.fragment}`;
  return out + parts.trail;
}

/**
 * Whether a URL's path starts at `/` (so that the page it is on does not matter): `/a.css`,
 * not `//host/a.css`, `/\\host` or `a.css`.
 *
 * @example
 * isRootRelative("/img/car.jpg") // true
 * isRootRelative("car.jpg") // false
 */
export function isRootRelative(url: string): boolean {
  return url.charCodeAt(0) === 47 /* / */ && url.charCodeAt(1) !== 47 && url.charCodeAt(1) !== 92; /* \\ */
}

/**
 * The directory part of a page URL, the base that relative URLs resolve against.
 *
 * @example
 * baseDirectory("/blog/post/") // "/blog/post/"
 * baseDirectory("/blog/post.html?x#y") // "/blog/"
 * baseDirectory(undefined) // "/"
 */
export function baseDirectory(from: string | undefined): string {
  if (from === undefined || from === "") return "/";
  let path = from;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  const scheme = SCHEME.exec(path);
  if (scheme || path.startsWith("//")) {
    // A full page URL: only its path matters.
    const rest = scheme ? path.slice(scheme[0].length) : path;
    if (rest.startsWith("//")) {
      const slash = rest.indexOf("/", 2);
      path = slash < 0 ? "/" : rest.slice(slash);
    } else {
      path = rest;
    }
  }
  if (!path.startsWith("/")) path = `/${path}`;
  return path.slice(0, path.lastIndexOf("/") + 1);
}

/**
 * Resolves a URL path (as written) to a decoded, normalised URL path: relative paths against
 * `base`, percent-encoding decoded, `\` read as `/`, `.` and `..` segments resolved lexically.
 * A trailing `/` is kept. Throws `BAD_URL` (malformed encoding, NUL, lone surrogate, too long) and
 * `OUTSIDE_ROOT` (a `..` above `/`, encoded or not); `root` only names the directory in that message.
 *
 * @example
 * resolveUrlPath("../img/my%20car.jpg", "/blog/") // "/img/my car.jpg"
 */
export function resolveUrlPath(path: string, base: string, url: string, root?: string): string {
  if (path.length > MAX_URL_LENGTH) {
    throw new CacheBustError("BAD_URL", `cache-id: URL is too long (${path.length} characters): ${showUrl(url)}`, {
      url,
    });
  }
  const joined = path.startsWith("/") || path.startsWith("\\") ? path : base + path;
  let decoded: string;
  try {
    decoded = joined.includes("%") ? decodeURIComponent(joined) : joined;
  } catch (cause) {
    throw new CacheBustError("BAD_URL", `cache-id: malformed percent-encoding in URL ${showUrl(url)}`, { url, cause });
  }
  if (decoded.includes("\0")) {
    throw new CacheBustError("BAD_URL", `cache-id: URL ${showUrl(url)} contains a NUL byte`, { url });
  }
  if (LONE_SURROGATE.test(decoded)) {
    throw new CacheBustError(
      "BAD_URL",
      `cache-id: URL ${showUrl(url)} contains a lone UTF-16 surrogate, which names no file`,
      { url },
    );
  }
  // Most URLs are already normal (`/img/car.jpg`): they would come out of the loop below as
  // they went in, so skip splitting and joining them.
  if (decoded.charCodeAt(0) === 47 /* / */ && !NOT_NORMAL.test(decoded)) return decoded;
  // A module's `./util.js` against its folder: when dropping one `.` segment leaves a normal
  // path, that is all the loop below would do.
  const dot = decoded.indexOf("/./");
  if (dot >= 0 && decoded.charCodeAt(0) === 47) {
    const once = decoded.slice(0, dot) + decoded.slice(dot + 2);
    if (!NOT_NORMAL.test(once)) return once;
  }
  const segments = decoded.replace(/\\/g, "/").split("/");
  const out: string[] = [];
  for (const segment of segments) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length === 0) {
        const where = root === undefined ? "" : ` ${root}`;
        const file = root === undefined ? undefined : `${root.replace(/[\\/]+$/, "")}${decoded.replace(/\\/g, "/")}`;
        throw new CacheBustError(
          "OUTSIDE_ROOT",
          `cache-id: URL ${showUrl(url)} leaves the root${where}${file ? ` (it would read ${file})` : ` (resolved path ${JSON.stringify(decoded)})`}`,
          { url, file },
        );
      }
      out.pop();
      continue;
    }
    out.push(segment);
  }
  const last = segments[segments.length - 1];
  const directory = out.length > 0 && (last === "" || last === "." || last === "..");
  return `/${out.join("/")}${directory ? "/" : ""}`;
}

/**
 * Sets `key=value` in a query string, replacing an existing `key` (the first one in place,
 * dropping repeats) and keeping every other parameter exactly as written.
 *
 * @example
 * setQueryParam("x=1&v=old", "v", "abc") // "x=1&v=abc"
 * setQueryParam(undefined, "v", "abc") // "v=abc"
 */
export function setQueryParam(query: string | undefined, key: string, value: string): string {
  const pair = `${encodeURIComponent(key)}=${value}`;
  if (query === undefined || query === "") return pair;
  const pieces = query.split("&");
  const out: string[] = [];
  let replaced = false;
  for (const piece of pieces) {
    if (paramName(piece) === key) {
      if (!replaced) out.push(pair);
      replaced = true;
    } else {
      out.push(piece);
    }
  }
  if (!replaced) out.push(pair);
  return out.join("&");
}

function paramName(piece: string): string {
  const eq = piece.indexOf("=");
  const raw = eq < 0 ? piece : piece.slice(0, eq);
  if (!raw.includes("%") && !raw.includes("+")) return raw;
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}
