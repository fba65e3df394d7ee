import * as fs from "node:fs";
import { isCacheBustError } from "../core/errors.js";
import type { TransformContext } from "../core/types.js";
import type { Edit } from "../css/edits.js";
import { findSourceMapComment, type Syntax } from "./comment.js";
import { shiftSourceMap } from "./shift.js";

export { findSourceMapComment } from "./comment.js";
export type { SourceMapComment, Syntax } from "./comment.js";
export { shiftSourceMap } from "./shift.js";

/** Why a file's source map could not be kept right; the file itself is still busted. */
export interface SourceMapWarning {
  /** `MAP_MISSING`: the map the file names is not there (or not reachable); `MAP_INVALID`: it is not a source map; `MAP_ELSEWHERE`: it is not `<file>.map`, so it cannot be rewritten with the file. */
  code: "MAP_MISSING" | "MAP_INVALID" | "MAP_ELSEWHERE";
  /** Absolute path of the script or stylesheet (for `MAP_INVALID`, of the map). */
  file: string;
  /** The map's URL as written, or its URL path. */
  map: string;
  message: string;
}

/** Receives each {@link SourceMapWarning}. */
export type OnSourceMapWarning = (warning: SourceMapWarning) => void;

/** The edits a file's references get, computed with `bust` (the same rule the file's rewriter uses). */
export type EditsOf = (source: string, bust: (url: string) => string | undefined, file: string) => Edit[];

/** The default: warnings go to the console, as the buster's do. */
export const warnOnConsole: OnSourceMapWarning = (w) => console.warn(w.message);

/** Largest script or stylesheet read again to rewrite its map: memory stays bounded. */
const MAX_GENERATED_BYTES = 64 * 1024 * 1024;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** An inline `data:` map of the file, shifted by the edits, as a new `data:` URL. */
function inlineMap(
  url: string,
  source: string,
  edits: readonly Edit[],
  file: string,
  warn: OnSourceMapWarning,
): string | undefined {
  const comma = url.indexOf(",");
  const head = url.slice(0, comma);
  if (comma < 0 || !/;base64$/i.test(head)) return undefined;
  const shifted = shiftSourceMap(Buffer.from(url.slice(comma + 1), "base64").toString("utf8"), source, edits);
  if ("invalid" in shifted) {
    warn({
      code: "MAP_INVALID",
      file,
      map: "data:",
      message: `cache-id: the inline source map of ${file} is ${shifted.invalid}; left as it was`,
    });
    return undefined;
  }
  return `${head},${Buffer.from(shifted.json, "utf8").toString("base64")}`;
}

/**
 * The edit that busts a rewritten file's `sourceMappingURL`, so that developer tools never
 * pair the new text with a map cached for the old one; an inline map is shifted instead.
 * `edits` are the file's other edits. A map that cannot be reached is a warning, not an error.
 *
 * @example
 * sourceMapEdit(code, edits, ctx, "js", warnOnConsole) // { start, end, insert: "app.js.map?v=<hash>" }
 */
export function sourceMapEdit(
  source: string,
  edits: readonly Edit[],
  ctx: TransformContext,
  syntax: Syntax,
  warn: OnSourceMapWarning,
): Edit | undefined {
  const comment = findSourceMapComment(source, syntax);
  if (!comment) return undefined;
  const { start, end, url } = comment;
  if (/^data:/i.test(url)) {
    if (edits.length === 0) return undefined;
    const insert = inlineMap(url, source, edits, ctx.file, warn);
    return insert === undefined ? undefined : { start, end, insert };
  }
  const path = url.replace(/[?#].*$/s, "").replace(/^\.\//, "");
  if (path !== `${baseName(ctx.urlPath)}.map`) {
    warn({
      code: "MAP_ELSEWHERE",
      file: ctx.file,
      map: url,
      message: `cache-id: the source map ${url} of ${ctx.file} is not named ${baseName(ctx.urlPath)}.map next to it, so it is not rewritten to match`,
    });
  }
  try {
    const busted = ctx.bust(url, { missing: "error" });
    return busted === url ? undefined : { start, end, insert: busted };
  } catch (error) {
    if (!isCacheBustError(error)) throw error;
    warn({
      code: "MAP_MISSING",
      file: ctx.file,
      map: url,
      message: `cache-id: the source map ${url} of ${ctx.file} cannot be read (${error.code}); the file is busted without it`,
    });
    return undefined;
  }
}

/** The text of the file a map belongs to (`x.js` for `x.js.map`): a regular file, not a link. */
function readGenerated(mapFile: string): string | undefined {
  const file = mapFile.slice(0, -".map".length);
  let fd: number | undefined;
  try {
    if (!fs.lstatSync(file).isFile()) return undefined;
    // Non-blocking open: a FIFO put there in the meantime is refused by fstat, never waited on.
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    const st = fs.fstatSync(fd);
    if (!st.isFile() || st.size > MAX_GENERATED_BYTES) return undefined;
    return fs.readFileSync(fd, "utf8");
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The transform of a source map `x.js.map` / `x.css.map`: its mappings shifted by the edits
 * its file's rewrite makes, recomputed from the file next to it, so that the map is hashed,
 * served and copied as the bytes that match the rewritten file. `undefined` leaves it as it is.
 *
 * @example
 * rewriteSourceMap(mapText, ctx, (code, bust, file) => moduleEdits(code, (r) => bust(r.url), file), warnOnConsole)
 */
export function rewriteSourceMap(
  mapText: string,
  ctx: TransformContext,
  editsOf: EditsOf,
  warn: OnSourceMapWarning,
): string | undefined {
  const generated = readGenerated(ctx.file);
  if (generated === undefined) return undefined;
  // The file's own rewrite decides its errors; here an unbustable reference is one left as written.
  const bust = (url: string): string | undefined => {
    try {
      return ctx.bust(url, { missing: "ignore" });
    } catch (error) {
      if (isCacheBustError(error)) return undefined;
      throw error;
    }
  };
  let edits: Edit[];
  try {
    edits = editsOf(generated, bust, ctx.file.slice(0, -".map".length));
  } catch (error) {
    if (isCacheBustError(error) || (error as { code?: unknown })?.code === "CSS_SYNTAX") return undefined;
    throw error;
  }
  if (edits.length === 0) return undefined;
  const shifted = shiftSourceMap(mapText, generated, edits);
  if ("invalid" in shifted) {
    warn({
      code: "MAP_INVALID",
      file: ctx.file,
      map: ctx.urlPath,
      message: `cache-id: ${ctx.file} is ${shifted.invalid}; served as it is`,
    });
    return undefined;
  }
  return shifted.json;
}
