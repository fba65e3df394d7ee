import { resolveUrlPath, splitUrl, unfingerprintName } from "../index.js";

/** What a request asks for, read from its URL alone. */
export interface AssetRequest {
  /** The URL path as written (still percent-encoded), without query: what the buster looks up. */
  path: string;
  /** The query as written, without `?`. */
  query: string | undefined;
  /** The decoded, normalised URL path. */
  urlPath: string;
  /** The hash the URL carries (query `param`, or the fingerprint in path mode), if any. */
  hash: string | undefined;
}

/** The value of the first `param` in a query string, as written. */
export function queryValue(query: string | undefined, param: string): string | undefined {
  if (!query) return undefined;
  for (const piece of query.split("&")) {
    const eq = piece.indexOf("=");
    const name = eq < 0 ? piece : piece.slice(0, eq);
    if (name === param) return eq < 0 ? "" : piece.slice(eq + 1);
  }
  return undefined;
}

/** The path and query of a request target: origin-form as it is, absolute-form (a proxy's) reduced to it. */
function originForm(target: string): string {
  if (target.startsWith("/")) return target;
  try {
    const u = new URL(target);
    return u.pathname + u.search;
  } catch {
    return target;
  }
}

/**
 * Reads a request URL: its path, decoded path and the hash it carries. Throws the core's
 * `BAD_URL`/`OUTSIDE_ROOT` errors for URLs that name no file anyone may have.
 *
 * @example
 * parseAssetRequest("/img/car.jpg?v=3f2a9c1b0d", { mode: "query", param: "v", length: 10 })
 * // { path: "/img/car.jpg", query: "v=3f2a9c1b0d", urlPath: "/img/car.jpg", hash: "3f2a9c1b0d" }
 */
export function parseAssetRequest(
  target: string,
  o: { mode: "query" | "path"; param: string; length: number },
): AssetRequest | undefined {
  const parts = splitUrl(originForm(target));
  if (!parts || parts.lead !== "" || parts.trail !== "") return undefined;
  const urlPath = resolveUrlPath(parts.path, "/", target);
  let hash: string | undefined;
  if (o.mode === "query") hash = queryValue(parts.query, o.param);
  else hash = unfingerprintName(urlPath.slice(urlPath.lastIndexOf("/") + 1), o.length)?.hash;
  return { path: parts.path, query: parts.query, urlPath, hash };
}

/** Whether a decoded URL path has a segment starting with a dot (`/.env`, `/.git/config`). */
export function hasDotSegment(urlPath: string): boolean {
  return urlPath.includes("/.");
}
