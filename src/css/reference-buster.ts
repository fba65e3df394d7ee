import { CacheBustError, isCacheBustError } from "../core/errors.js";
import type { TransformContext } from "../core/types.js";
import { lineLocator } from "./position.js";

/** A reference that could not be busted, and where it is in the file that holds it. */
export interface ReferenceFailure {
  url: string;
  file: string;
  line: number;
  column: number;
  error: CacheBustError;
}

/** With an `onMissing` callback, a reference to no file throws, to be reported by position. */
const STRICT = Object.freeze({ missing: "error" as const });

/**
 * Busts the references of one transformed file (`source`) through `ctx`, for the stylesheet
 * and module transformers alike. A reference that fails goes to `onMissing` with its line and
 * column (and is then left as written), or is thrown again naming `file:line:column` after
 * `relation` ("imported from"). Lines are worked out only once one fails.
 *
 * @example
 * const bust = referenceBuster(source, ctx, "imported from", undefined);
 * bust("./util.js", 7); // "./util.js?v=<hash>"
 */
export function referenceBuster(
  source: string,
  ctx: TransformContext,
  relation: string,
  onMissing: ((failure: ReferenceFailure) => void) | undefined,
): (url: string, offset: number) => string | undefined {
  let position: ReturnType<typeof lineLocator> | undefined;
  const strict = onMissing ? STRICT : undefined;
  return (url, offset) => {
    try {
      return ctx.bust(url, strict);
    } catch (error) {
      if (!isCacheBustError(error)) throw error;
      const { line, column } = (position ??= lineLocator(source))(offset);
      if (onMissing) {
        onMissing({ url, file: ctx.file, line, column, error });
        return undefined;
      }
      throw new CacheBustError(error.code, `${error.message} (${relation} ${ctx.file}:${line}:${column})`, {
        url: error.url,
        file: error.file,
        cause: error,
      });
    }
  };
}
