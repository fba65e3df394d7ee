/** Why a URL could not be busted. */
export type CacheBustErrorCode =
  | "MISSING_FILE"
  | "OUTSIDE_ROOT"
  | "NOT_A_FILE"
  | "BAD_URL"
  | "BAD_ARGUMENT"
  /** A read failed after the file was opened (EIO, EAGAIN, EINVAL...). */
  | "READ_ERROR"
  /** The process may not read the file (EACCES, EPERM). */
  | "PERMISSION_DENIED"
  /** The file kept changing while it was being read. */
  | "FILE_CHANGING"
  /** The file changed after it was hashed: the bytes to copy or serve no longer match the hash. */
  | "FILE_CHANGED"
  /** A write whose real destination leaves the output directory. */
  | "OUTSIDE_OUTPUT"
  /** A stylesheet the CSS parser cannot read (see `CssSyntaxError`). */
  | "CSS_SYNTAX"
  /** A warning: a file too big to rewrite (above `MAX_REWRITE_BYTES`) is hashed as its bytes. */
  | "TOO_LARGE"
  /** A JavaScript module the lexer cannot read. */
  | "JS_SYNTAX";

/** Details carried by a {@link CacheBustError}. */
export interface CacheBustErrorDetails {
  /** The URL as the caller gave it. */
  url?: unknown;
  /** The file path that was tried, when one was. */
  file?: string;
  /** The underlying error (e.g. from `node:fs`). */
  cause?: unknown;
}

/**
 * The error every cache-id failure is: compare `code`, never the message.
 *
 * @example
 * try { buster.url("/nope.css") } catch (e) { if (e instanceof CacheBustError && e.code === "MISSING_FILE") ... }
 */
export class CacheBustError extends Error {
  readonly code: CacheBustErrorCode;
  readonly url: unknown;
  readonly file: string | undefined;

  constructor(code: CacheBustErrorCode, message: string, details: CacheBustErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "CacheBustError";
    this.code = code;
    this.url = details.url;
    this.file = details.file;
  }
}

/** Whether `value` is a CacheBustError, also one made by another copy of this package (ESM vs CJS). */
export function isCacheBustError(value: unknown): value is CacheBustError {
  return (
    value instanceof CacheBustError ||
    (value instanceof Error && value.name === "CacheBustError" && typeof (value as CacheBustError).code === "string")
  );
}

/** Shows a URL in a message: quoted, control characters escaped, long ones shortened. */
export function showUrl(url: unknown): string {
  if (typeof url !== "string") return `a ${url === null ? "null" : typeof url} (${String(url).slice(0, 40)})`;
  const shown = JSON.stringify(url.length > 200 ? `${url.slice(0, 200)}…` : url);
  return shown;
}
