import postcss from "postcss";
import { type Edit, applyEdits } from "./edits.js";
import { escapeCss } from "./escape.js";
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

/** Where `raw` starts in `source`, expected at `at`; searched after `from` if not there. */
function locate(source: string, raw: string, at: number, from: number, to: number): number | undefined {
  if (source.startsWith(raw, at)) return at;
  const found = source.indexOf(raw, from);
  return found >= 0 && found + raw.length <= to ? found : undefined;
}

/**
 * Rewrites the URLs of a stylesheet (`url()`, `@import`, `image-set()`) through `bust`, and
 * keeps every other character as written. Returns `undefined` when nothing changed. Throws
 * postcss's `CssSyntaxError` (naming `file`, line and column) for CSS it cannot parse.
 *
 * @example
 * rewriteCss("a{background:url(x.png)}", (r) => r.url + "?v=1") // "a{background:url(x.png?v=1)}"
 */
export function rewriteCss(source: string, bust: BustReference, file?: string): string | undefined {
  const root = postcss.parse(source, file === undefined ? {} : { from: file });
  const edits: Edit[] = [];
  root.walk((node) => {
    const start = node.source?.start?.offset;
    const end = node.source?.end?.offset;
    if (start === undefined || end === undefined) return;
    if (node.type === "decl") {
      const raw = (node.raws.value as { raw?: string } | undefined)?.raw ?? node.value;
      if (!raw.includes("(")) return; // no url() or image-set(): skip the value parser
      const at = locate(source, raw, start + node.prop.length + (node.raws.between ?? "").length, start + node.prop.length, end);
      if (at !== undefined) editsIn(at, findReferences(raw), bust, edits);
    } else if (node.type === "atrule" && node.name.toLowerCase() === "import") {
      const raw = (node.raws.params as { raw?: string } | undefined)?.raw ?? node.params;
      const at = locate(source, raw, start + 1 + node.name.length + (node.raws.afterName ?? "").length, start + 1 + node.name.length, end);
      const ref = findImport(raw);
      if (at !== undefined && ref) editsIn(at, [ref], bust, edits);
    }
  });
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
