// The filters cache_bust is compared with: doing nothing, and what one writes by hand.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** The floor: a filter that returns its URL unchanged (what the template call alone costs). */
export const identity = (url) => url;

/**
 * The filter people write first: read and hash the file on every call, no cache.
 * Root-relative URLs only, which is all the benchmark templates use.
 * @example naiveBust("site")("/img/a.png") // "/img/a.png?v=3f2a9c1b0d"
 */
export function naiveBust(root) {
  return (url) => {
    const data = fs.readFileSync(path.join(root, url));
    return `${url}?v=${createHash("sha256").update(data).digest("hex").slice(0, 10)}`;
  };
}

/** The `src`/`href` values of rendered HTML, entities decoded: to compare variants' output. */
export function urlsIn(html) {
  const decode = (s) =>
    s.replace(/&#x([0-9a-f]+);|&#(\d+);|&amp;|&quot;|&#39;/gi, (m, hex, dec) =>
      hex
        ? String.fromCharCode(parseInt(hex, 16))
        : dec
          ? String.fromCharCode(Number(dec))
          : { "&amp;": "&", "&quot;": '"', "&#39;": "'" }[m.toLowerCase()],
    );
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => decode(m[1]));
}
