/** Where a file names its source map. */
export interface SourceMapComment {
  /** Offset of the URL's first character. */
  start: number;
  /** Offset just after the URL. */
  end: number;
  /** The URL as written. */
  url: string;
}

/** The language of the file, which decides the comment's form. */
export type Syntax = "js" | "css";

const JS_COMMENT = /\/\/[#@][ \t]*sourceMappingURL=([^\s'"`]+)[ \t]*$/;
const CSS_COMMENT = /\/\*[#@][ \t]*sourceMappingURL=([^\s*]+)[ \t]*\*\/[ \t]*$/;
/** The last lines a tool appends to: the comment must be on one of them, after all code. */
const TAIL_LINES = 4;
/** Texts longer than this are searched for the comment's name before their lines are read. */
const LONG_TEXT = 4096;
/** How far from the end the comment may start: a data: URL map can be long. */
const TAIL_CHARS = 16 * 1024 * 1024;

/**
 * The `sourceMappingURL` comment of a script (`//# sourceMappingURL=app.js.map`) or stylesheet
 * (`/*# sourceMappingURL=site.css.map *\/`): the last one, on a line of its own at the end of
 * the file, where tools put it and browsers look for it; `undefined` when there is none.
 *
 * @example
 * findSourceMapComment("a()\n//# sourceMappingURL=a.js.map\n", "js") // { start: 22, end: 30, url: "a.js.map" }
 */
export function findSourceMapComment(source: string, syntax: Syntax): SourceMapComment | undefined {
  const pattern = syntax === "js" ? JS_COMMENT : CSS_COMMENT;
  // Most files have none. A short one is told by reading its last lines; a long one (a minified
  // bundle can be one line) by a search of its tail, which is faster than finding where its last
  // line starts.
  const tail = Math.max(0, source.length - TAIL_CHARS);
  if (source.length > LONG_TEXT && !source.includes("sourceMappingURL=", tail)) return undefined;
  let end = source.length;
  for (let n = 0; n < TAIL_LINES && end > 0; n++) {
    const lineStart = lineStartBefore(source, end);
    const line = source.slice(lineStart, end);
    const match = line.includes("sourceMappingURL=") ? pattern.exec(line) : null;
    if (match) {
      if (!source.includes("sourceMappingURL=", tail)) return undefined;
      const url = match[1] as string;
      const start = lineStart + line.indexOf("sourceMappingURL=") + "sourceMappingURL=".length;
      return { start, end: start + url.length, url };
    }
    // Only blank lines may follow the comment.
    if (line.trim() !== "") return undefined;
    end = lineStart > 0 ? lineStart - 1 : 0;
  }
  return undefined;
}

/** Where the line that ends at `end` starts: after the last `\n` or `\r` before it. */
function lineStartBefore(source: string, end: number): number {
  let start = source.lastIndexOf("\n", end - 1) + 1;
  // The search for `\r` starts at that line: most files have none, and a search back from the end would read them whole.
  for (let cr = source.indexOf("\r", start); cr >= 0 && cr < end; cr = source.indexOf("\r", cr + 1)) start = cr + 1;
  return start;
}
