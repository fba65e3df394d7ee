import { type Edit, applyEdits } from "./edits.js";
import { escapeCss } from "./escape.js";
import { type CssReference, findImport, findReferences } from "./references.js";
import { findStatements } from "./statements.js";

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
    const located: LocatedReference = {
      start: ref.start,
      end: ref.end,
      raw: ref.raw,
      url: ref.url,
      quote: ref.quote,
      offset: base + ref.start,
    };
    const insert = replacementFor(ref, bust(located));
    if (insert !== undefined) edits.push({ start: base + ref.start, end: base + ref.end, insert });
  }
}

/**
 * Rewrites the URLs of a stylesheet (`url()`, `@import`, `image-set()`) through `bust`, and
 * keeps every other character as written. Returns `undefined` when nothing changed. Throws
 * a `CssSyntaxError` (code `CSS_SYNTAX`, naming `file`, line and column) for an unclosed string, comment
 * or `url(`, where no reader could tell what the rest of the text means, and for brackets
 * nested more than `MAX_NESTING` (1000) deep.
 *
 * No syntax tree is built: {@link findStatements} finds the declarations that call a function,
 * and the `@import`s, and only those are read further. Building postcss's whole tree took
 * several times as long, for nothing.
 *
 * @example
 * rewriteCss("a{background:url(x.png)}", (r) => r.url + "?v=1") // "a{background:url(x.png?v=1)}"
 */
export function rewriteCss(source: string, bust: BustReference, file?: string): string | undefined {
  const edits = cssEdits(source, bust, file);
  if (edits.length === 0) return undefined;
  return applyEdits(source, edits);
}

/**
 * The edits {@link rewriteCss} applies, with offsets into `source` (a source map is shifted by them).
 *
 * @example
 * cssEdits("a{background:url(x.png)}", (r) => r.url + "?v=1") // [{ start: 17, end: 22, insert: "x.png?v=1" }]
 */
export function cssEdits(source: string, bust: BustReference, file?: string): Edit[] {
  const edits: Edit[] = [];
  for (const { kind, start, end } of findStatements(source, file)) {
    const text = source.slice(start, end);
    if (kind === "import") {
      const ref = findImport(text);
      if (ref) editsIn(start, [ref], bust, edits);
    } else {
      editsIn(start, findReferences(text), bust, edits);
    }
  }
  return edits;
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
