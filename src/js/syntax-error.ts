import { CacheBustError } from "../core/errors.js";

/**
 * A module the lexer cannot read: a `CacheBustError` with code `JS_SYNTAX`, naming the file,
 * line and column, so callers test `code` as for every other failure.
 *
 * @example
 * new JsSyntaxError("app.js", 3, 14).message // "cache-id: app.js:3:14: JavaScript the module lexer cannot read"
 */
export class JsSyntaxError extends CacheBustError {
  constructor(
    file: string | undefined,
    /** 1-based line. */
    readonly line: number,
    /** 1-based column. */
    readonly column: number,
    cause?: unknown,
  ) {
    super("JS_SYNTAX", `cache-id: ${file ?? "<module>"}:${line}:${column}: JavaScript the module lexer cannot read`, {
      file,
      cause,
    });
  }
}
