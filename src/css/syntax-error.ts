/**
 * A stylesheet that cannot be read: an unclosed string, comment or `url(`. It has the fields of
 * postcss's error of the same name (`reason`, `file`, `line`, `column`, `source`), so code that
 * handles one handles both, and a `code` to test instead of the message.
 *
 * @example
 * new CssSyntaxError("Unclosed string", "css/site.css", 3, 14, source).message
 * // "css/site.css:3:14: Unclosed string"
 */
export class CssSyntaxError extends Error {
  override name = "CssSyntaxError";
  readonly code = "CSS_SYNTAX";

  constructor(
    /** What is wrong, without the place. */
    readonly reason: string,
    /** The stylesheet's file, when known. */
    readonly file: string | undefined,
    /** 1-based line. */
    readonly line: number,
    /** 1-based column. */
    readonly column: number,
    /** The whole stylesheet text. */
    readonly source: string,
  ) {
    super(`${file ?? "<css input>"}:${line}:${column}: ${reason}`);
  }
}
