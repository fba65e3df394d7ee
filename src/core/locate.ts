import { join, sep } from "node:path";
import { CacheBustError, showUrl } from "./errors.js";
import { unfingerprintName } from "./fingerprint.js";
import type { ResolvedOptions } from "./types.js";

/** A relative path `join` would change beyond adding a separator: leading `/`, `//`, `.` or `..` segments. */
const NOT_NORMAL = /(?:^|\/)(?:\/|\.\.?(?:\/|$))/;

/** A file a URL path may name. */
export interface Candidate {
  /** Resolved URL path of the file (without a fingerprint), e.g. `/img/car.jpg`. */
  urlPath: string;
  /** Absolute file path. */
  file: string;
  /** Whether a fingerprint was taken out of the URL's last segment to get here. */
  unfingerprinted: boolean;
}

/**
 * The file a resolved URL path maps to under the longest matching root. Throws
 * `OUTSIDE_ROOT` if the result would not be inside that root (it cannot be, for a path that
 * `resolveUrlPath` produced; this is the last line of defence).
 *
 * @example
 * fileFor("/static/a.css", [{ prefix: "/static/", dir: "/site/assets" }]) // "/site/assets/a.css"
 */
export function fileFor(urlPath: string, roots: ResolvedOptions["roots"], url: unknown): string {
  let root: ResolvedOptions["roots"][number] | undefined;
  for (const r of roots) {
    if (urlPath.startsWith(r.prefix)) {
      root = r;
      break;
    }
  }
  if (!root) throw new CacheBustError("OUTSIDE_ROOT", `cache-id: no root maps URL ${showUrl(url)}`, { url });
  const rest = urlPath.slice(root.prefix.length);
  if (rest === "") return root.dir;
  // A normal relative path (what `resolveUrlPath` gives) cannot leave the root, and joining it
  // with `/` is what `join` would do, without its normalising pass over every character.
  if (sep === "/" && !NOT_NORMAL.test(rest)) return root.dir.endsWith("/") ? root.dir + rest : `${root.dir}/${rest}`;
  const file = join(root.dir, rest);
  if (file !== root.dir && !file.startsWith(root.dir.endsWith(sep) ? root.dir : root.dir + sep)) {
    throw new CacheBustError(
      "OUTSIDE_ROOT",
      `cache-id: URL ${showUrl(url)} leaves its root ${root.dir} (tried ${file})`,
      { url, file },
    );
  }
  return file;
}

/**
 * The files a URL path may name, in the order to try them. In `"path"` mode a last segment
 * that carries a fingerprint (`car.3f2a9c1b0d.jpg`) names the unfingerprinted file first.
 */
export function candidatesFor(urlPath: string, options: ResolvedOptions, url: unknown): Candidate[] {
  const literal: Candidate = { urlPath, file: fileFor(urlPath, options.roots, url), unfingerprinted: false };
  if (options.mode !== "path" || urlPath.endsWith("/")) return [literal];
  const slash = urlPath.lastIndexOf("/");
  const plain = unfingerprintName(urlPath.slice(slash + 1), options.length);
  if (!plain) return [literal];
  const plainPath = urlPath.slice(0, slash + 1) + plain.name;
  return [{ urlPath: plainPath, file: fileFor(plainPath, options.roots, url), unfingerprinted: true }, literal];
}
