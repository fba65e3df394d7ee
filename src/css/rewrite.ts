// The tokenizer and the error class alone: all of postcss takes three times as long to load.
import CssSyntaxError from "postcss/lib/css-syntax-error";
import tokenize from "postcss/lib/tokenize";
import { type Edit, applyEdits } from "./edits.js";
import { escapeCss } from "./escape.js";
import { lineLocator } from "./position.js";
import { type CssReference, findImport, findReferences } from "./references.js";

/** A reference found in a stylesheet, with its offset in the whole text. */
export interface LocatedReference extends CssReference {
  /** Offset of the URL's text in the whole source. */
  offset: number;
}

/** Busts one reference: the new URL, or `undefined` to leave it as written. */
export type BustReference = (ref: LocatedReference) => string | undefined;

/** The text to write for a reference busted to `busted`, or `undefined` if nothing changes. */
export function replacementFor(ref: CssReference, busted: string | undefined): string | undefined {
  if (busted === undefined || busted === ref.url) return undefined;
  // Without escapes the URL is the text; busting only adds `?v=<hash>` or `.<hash>`, which need none.
  return ref.raw.includes("\\") ? escapeCss(busted, ref.quote) : busted;
}

function editsIn(base: number, refs: CssReference[], bust: BustReference, edits: Edit[]): void {
  for (const ref of refs) {
    const insert = replacementFor(ref, bust({ ...ref, offset: base + ref.start }));
    if (insert !== undefined) edits.push({ start: base + ref.start, end: base + ref.end, insert });
  }
}

/** The tokenizer's input: the text, and postcss's `CssSyntaxError` (file, line, column) on demand. */
function tokenizerInput(source: string, file: string | undefined) {
  return {
    css: source,
    error(message: string, offset: number) {
      const { line, column } = lineLocator(source)(offset);
      return new CssSyntaxError(message, line, column, source, file);
    },
  };
}

/**
 * Rewrites the URLs of a stylesheet (`url()`, `@import`, `image-set()`) through `bust`, and
 * keeps every other character as written. Returns `undefined` when nothing changed. Throws
 * postcss's `CssSyntaxError` (naming `file`, line and column) for an unclosed string, comment
 * or `url(`, where no reader could tell what the rest of the text means.
 *
 * Only postcss's tokenizer runs, not its parser: statements are split at `;`, `{` and `}`
 * outside brackets, as a parser does, and only a declaration holding a function, or an
 * `@import`, is read further. Building the whole tree cost several times as much, for nothing.
 *
 * @example
 * rewriteCss("a{background:url(x.png)}", (r) => r.url + "?v=1") // "a{background:url(x.png?v=1)}"
 */
export function rewriteCss(source: string, bust: BustReference, file?: string): string | undefined {
  const tokens = tokenize(tokenizerInput(source, file));
  const edits: Edit[] = [];
  // The statement being read: where its value starts (after its first top-level `:`), whether
  // it calls a function, and whether it is an `@import` (then where its prelude starts).
  let valueAt = -1;
  let hasCall = false;
  let importAt = -1;
  let first = true;
  let depth = 0; // open ( and [
  const endStatement = (at: number, opensBlock: boolean) => {
    if (importAt >= 0) {
      const ref = findImport(source.slice(importAt, at));
      if (ref) editsIn(importAt, [ref], bust, edits);
    } else if (!opensBlock && hasCall && valueAt >= 0) {
      editsIn(valueAt, findReferences(source.slice(valueAt, at)), bust, edits);
    }
    valueAt = importAt = -1;
    hasCall = false;
    first = true;
  };
  while (!tokens.endOfFile()) {
    const [type, text, start, end] = tokens.nextToken();
    switch (type) {
      case "space":
      case "comment":
        continue;
      case "(":
        hasCall = true;
        depth++;
        break;
      case "[":
        depth++;
        break;
      case ")":
      case "]":
        if (depth > 0) depth--;
        break;
      case "brackets":
        hasCall = true;
        break;
      case ":":
        if (depth === 0 && valueAt < 0) valueAt = start + 1;
        break;
      case ";":
        if (depth === 0) {
          endStatement(start, false);
          continue;
        }
        break;
      case "{":
        if (depth === 0) {
          endStatement(start, true);
          continue;
        }
        break;
      case "}":
        if (depth === 0) {
          endStatement(start, false);
          continue;
        }
        break;
      case "at-word":
        if (first && text.toLowerCase() === "@import") importAt = (end as number) + 1;
        break;
    }
    first = false;
  }
  endStatement(source.length, false);
  if (edits.length === 0) return undefined;
  return applyEdits(source, edits);
}

/**
 * Rewrites the URLs of a declaration list without a rule around it, such as an HTML `style`
 * attribute (`background: url(a.png)`). Returns the edits, with offsets into `text`.
 *
 * @example
 * styleEdits("background:url(a.png)", (r) => r.url + "?v=1") // [{ start: 15, end: 20, insert: "a.png?v=1" }]
 */
export function styleEdits(text: string, bust: BustReference): Edit[] {
  const edits: Edit[] = [];
  if (text.includes("(")) editsIn(0, findReferences(text), bust, edits);
  return edits;
}
