import type { Entry } from "./cache.js";
import { fingerprintName, renameLastSegment, unfingerprintName } from "./fingerprint.js";
import type { Target } from "./target.js";
import type { BustedFile, ResolvedOptions } from "./types.js";
import { joinUrl, setQueryParam, type UrlParts } from "./url.js";

/** The options rendering needs. */
type RenderOptions = Pick<ResolvedOptions, "mode" | "length" | "param">;

/**
 * The URL as written with an entry's hash put in: the query `param`, or the fingerprint in the
 * last segment (replacing one the URL already carries).
 *
 * @example
 * render(splitUrl("/a.css?x=1"), entry, "v", opts) // "/a.css?x=1&v=<hash>"
 */
export function render(parts: UrlParts, entry: Entry, param: string, opts: RenderOptions): string {
  if (opts.mode === "query") return joinUrl({ ...parts, query: setQueryParam(parts.query, param, entry.hash) });
  const path = renameLastSegment(parts.path, (segment) => {
    // `car.<old>.jpg` -> `car.<new>.jpg`: drop the fingerprint the URL already carries. Decided
    // by this URL, not by the entry's first lookup: one entry serves `car.jpg` and `car.<old>.jpg`.
    return fingerprintName(carriesFingerprintOf(segment, entry.candidate.urlPath, opts.length) ?? segment, entry.hash);
  });
  return joinUrl({ ...parts, path });
}

/** The plain name in a written segment (`car.<hash>.jpg` -> `car.jpg`) when it names the file at `urlPath`. */
function carriesFingerprintOf(segment: string, urlPath: string, length: number): string | undefined {
  const plain = unfingerprintName(segment, length);
  if (!plain) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(plain.name);
  } catch {
    return undefined;
  }
  return urlPath.endsWith(`/${name}`) ? plain.name : undefined;
}

/** The busted URL of a target for an entry: the last one made, while entry and param are the same. */
export function renderTarget(
  t: Pick<Target, "parts" | "rendered">,
  entry: Entry,
  param: string,
  opts: RenderOptions,
): string {
  const last = t.rendered;
  if (last && last.entry === entry && last.param === param) return last.url;
  const busted = render(t.parts, entry, param, opts);
  t.rendered = { entry, param, url: busted };
  return busted;
}

/** A decoded URL path written as a URL again: what `encodeURI` leaves, plus `?` and `#`. */
function encodePath(path: string): string {
  return encodeURI(path).replace(/\?/g, "%3F").replace(/#/g, "%23");
}

/** How `entries()` and `lookup()` describe one hashed file under its URL path. */
export function bustedFile(urlPath: string, entry: Entry, opts: RenderOptions): BustedFile {
  const fingerprinted = renameLastSegment(urlPath, (name) => fingerprintName(name, entry.hash));
  return {
    urlPath,
    file: entry.candidate.file,
    hash: entry.hash,
    busted:
      opts.mode === "query"
        ? `${encodePath(urlPath)}?${setQueryParam(undefined, opts.param, entry.hash)}`
        : encodePath(fingerprinted),
    fingerprinted,
    size: entry.content ? entry.content.length : entry.identity.size,
    mtimeMs: entry.identity.mtimeMs,
    ...(entry.content ? { content: entry.content } : {}),
  };
}
