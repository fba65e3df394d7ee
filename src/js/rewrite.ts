import type { Edit } from "../css/edits.js";
import { type JsReference, findModuleReferences } from "./references.js";

/** Busts one reference of a module: the new URL, or `undefined` to leave it as written. */
export type BustModuleReference = (ref: JsReference) => string | undefined;

/** The text to put between the quotes for `url`: escaped only where the original was. */
export function quoteInner(url: string, ref: JsReference): string {
  if (!ref.raw.includes("\\") && !url.includes(ref.quote) && !url.includes("\\")) return url;
  let out = url.replace(/\\/g, "\\\\").split(ref.quote).join(`\\${ref.quote}`);
  if (ref.quote === "`") out = out.replace(/\$\{/g, "\\${");
  return out
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * The edits that bust a module's references (see {@link findModuleReferences}), with offsets
 * into `source`; a reference `bust` leaves alone gets none. Throws `JS_SYNTAX` for a module the
 * lexer cannot read.
 *
 * @example
 * moduleEdits('import "./a.js"', (r) => r.url + "?v=1") // [{ start: 8, end: 14, insert: "./a.js?v=1" }]
 */
export function moduleEdits(source: string, bust: BustModuleReference, file?: string): Edit[] {
  const edits: Edit[] = [];
  for (const ref of findModuleReferences(source, file)) {
    const busted = bust(ref);
    if (busted === undefined || busted === ref.url) continue;
    edits.push({ start: ref.start, end: ref.end, insert: quoteInner(busted, ref) });
  }
  return edits;
}
