import { HTML_NS, type HtmlElement, urlAttributes } from "./rules.js";

// A fast reader for the common page: it tokenizes as the HTML standard does (tags, attributes,
// comments, raw text) but builds no tree. Where the tree builder would change what the
// elements are (foreign content, <template>, <select>, ignored or merged start tags, cloned
// formatting elements, a character reference to decode...) it gives up, and the page goes
// to parse5: a page this reader accepts yields exactly the elements parse5's tree would hold.

/** Elements whose text the tokenizer reads raw up to their end tag (RAWTEXT and RCDATA). */
const RAW_TEXT = new Set(["style", "xmp", "iframe", "noembed", "noframes", "title", "textarea"]);

/** Start tags after which only the tree builder knows how the rest of the page reads. */
const GIVE_UP = new Set(["svg", "math", "template", "select", "frameset", "plaintext", "image"]);

/**
 * Elements that the tree builder may ignore, merge into another, or clone (formatting
 * elements are reopened after misnesting): with a URL attribute, parse5 may see it zero
 * times or twice, so such a page is left to parse5.
 */
const NOT_ONE_TO_ONE = new Set([
  ...["html", "head", "body", "form", "noscript", "frame", "caption", "col", "colgroup"],
  ...["tbody", "thead", "tfoot", "tr", "td", "th"],
  ...["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"],
]);

/** Thrown inside the scanner when the page needs the full parser. */
const NEEDS_PARSER = Symbol("needs parser");

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d;
const isAlpha = (c: number) => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

/** A start tag being read: where it ends, its name and its attributes with their spans. */
interface Tag {
  end: number;
  element: HtmlElement & { sourceCodeLocation: { attrs: Record<string, { startOffset: number; endOffset: number }> } };
}

/** ASCII lowercase, as the tokenizer folds names (`toLowerCase` alone maps U+212A to `k`). */
const lower = (s: string) => (/[^\0-\x7f]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s.toLowerCase());

/** Where a tag name that starts at `i` ends. */
function nameEnd(html: string, i: number): number {
  let j = i;
  while (j < html.length) {
    const c = html.charCodeAt(j);
    if (isSpace(c) || c === 0x2f || c === 0x3e) break;
    j++;
  }
  return j;
}

/**
 * An attribute's value, read from `at` just after its name: where the value's text starts and
 * ends (`start` -1: no value), where its source ends (after a closing quote) and reading goes on.
 */
function attributeValue(html: string, at: number): { start: number; stop: number; end: number } {
  let i = at;
  while (i < html.length && isSpace(html.charCodeAt(i))) i++;
  if (html.charCodeAt(i) !== 0x3d /* = */) return { start: -1, stop: -1, end: at };
  i++;
  while (i < html.length && isSpace(html.charCodeAt(i))) i++;
  const q = html.charCodeAt(i);
  if (q === 0x22 || q === 0x27) {
    const close = html.indexOf(q === 0x22 ? '"' : "'", i + 1);
    if (close < 0) return { start: i + 1, stop: html.length, end: html.length };
    return { start: i + 1, stop: close, end: close + 1 };
  }
  let j = i;
  while (j < html.length && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== 0x3e) j++;
  return { start: i, stop: j, end: j };
}

/**
 * Reads the attributes of a tag from `at` (just after its name) to its `>`; `undefined` at the
 * end of the input (an unfinished tag is no tag). Only a start tag's are kept.
 */
function readTag(html: string, at: number, name: string): Tag | undefined {
  const element: Tag["element"] = {
    tagName: name,
    namespaceURI: HTML_NS,
    attrs: [],
    sourceCodeLocation: { attrs: Object.create(null) },
    childNodes: [],
  };
  let i = at;
  for (;;) {
    while (i < html.length && (isSpace(html.charCodeAt(i)) || html.charCodeAt(i) === 0x2f)) i++;
    if (i >= html.length) return undefined;
    if (html.charCodeAt(i) === 0x3e) return { end: i + 1, element };
    const start = i;
    i++; // a first `=` belongs to the name
    while (i < html.length) {
      const c = html.charCodeAt(i);
      if (isSpace(c) || c === 0x2f || c === 0x3e || c === 0x3d) break;
      i++;
    }
    const attrName = lower(html.slice(start, i));
    const value = attributeValue(html, i);
    if (value.end >= html.length) return undefined;
    // After a name without a value, reading goes on past the spaces that followed it.
    const nameOnly = value.start < 0;
    if (!(attrName in element.sourceCodeLocation.attrs)) {
      // A repeated attribute is dropped, as the tokenizer does.
      element.attrs.push({ name: attrName, value: nameOnly ? "" : html.slice(value.start, value.stop) });
      element.sourceCodeLocation.attrs[attrName] = { startOffset: start, endOffset: value.end };
    }
    if (!nameOnly) i = value.end;
  }
}

/** Where the raw text of `name` ends: its end tag's `<`, or the end of the input. */
function rawTextEnd(html: string, from: number, name: string): number {
  for (let i = html.indexOf("</", from); i >= 0; i = html.indexOf("</", i + 2)) {
    const after = html.charCodeAt(i + 2 + name.length);
    if (lower(html.slice(i + 2, i + 2 + name.length)) === name && (isSpace(after) || after === 0x2f || after === 0x3e))
      return i;
  }
  return html.length;
}

/** Where a comment, doctype or other markup declaration that starts at `i` (`<!` or `<?`) ends. */
function declarationEnd(html: string, i: number): number {
  if (html.startsWith("<!--", i)) {
    if (html.startsWith(">", i + 4)) return i + 5;
    if (html.startsWith("->", i + 4)) return i + 6;
    const dash = html.indexOf("-->", i + 4);
    const bang = html.indexOf("--!>", i + 4);
    if (dash < 0 && bang < 0) return html.length;
    return dash >= 0 && (bang < 0 || dash < bang) ? dash + 3 : bang + 4;
  }
  // A doctype, a bogus comment (`<!x`, `<?x`, a CDATA section outside foreign content): to `>`.
  const close = html.indexOf(">", i + 2);
  return close < 0 ? html.length : close + 1;
}

/** Checks a start tag the fast reader can vouch for; throws {@link NEEDS_PARSER} otherwise. */
function vouchFor(html: string, el: HtmlElement, contentStart: number): boolean {
  if (GIVE_UP.has(el.tagName)) throw NEEDS_PARSER;
  const wanted = el.tagName === "base" || el.tagName === "style" || urlAttributes(el).length > 0;
  if (!wanted) return false;
  if (NOT_ONE_TO_ONE.has(el.tagName)) throw NEEDS_PARSER;
  // Values are taken as written: one that a character reference or a CR would change is the parser's.
  if (el.attrs.some((a) => a.value.includes("&") || a.value.includes("\r"))) throw NEEDS_PARSER;
  const textEnd = el.tagName === "style" ? rawTextEnd(html, contentStart, "style") : contentStart;
  if (textEnd > contentStart)
    el.childNodes.push({ sourceCodeLocation: { startOffset: contentStart, endOffset: textEnd } });
  return true;
}

/** Reads the element that starts at `i`, pushing it onto `out` if it matters; where reading goes on. */
function startTag(html: string, i: number, out: HtmlElement[]): number {
  const j = nameEnd(html, i + 1);
  const name = lower(html.slice(i + 1, j));
  const tag = readTag(html, j, name);
  if (!tag) return html.length;
  if (vouchFor(html, tag.element, tag.end)) out.push(tag.element);
  if (name === "script") {
    const end = rawTextEnd(html, tag.end, "script");
    // `<!--` in a script switches the tokenizer to states where `</script>` may not end it.
    if (html.slice(tag.end, end).includes("<!--")) throw NEEDS_PARSER;
    return end;
  }
  return RAW_TEXT.has(name) ? rawTextEnd(html, tag.end, name) : tag.end;
}

/**
 * The elements of a page that the attribute rules may act on (those with URL attributes,
 * `<base>`, `<style>`), in document order, shaped as parse5's; `undefined` when the page
 * needs the full parser to say what its elements are.
 */
export function scanElements(html: string): HtmlElement[] | undefined {
  if (html.includes("\0")) return undefined;
  const out: HtmlElement[] = [];
  try {
    let i = html.indexOf("<");
    while (i >= 0 && i < html.length) {
      const c = html.charCodeAt(i + 1);
      let next: number;
      if (isAlpha(c)) next = startTag(html, i, out);
      else if (c === 0x2f /* / */) {
        const d = html.charCodeAt(i + 2);
        if (isAlpha(d)) next = readTag(html, nameEnd(html, i + 2), "")?.end ?? html.length;
        else next = d === 0x3e ? i + 3 : declarationEnd(html, i);
      } else if (c === 0x21 /* ! */ || c === 0x3f /* ? */) next = declarationEnd(html, i);
      else next = i + 1;
      i = html.indexOf("<", next);
    }
  } catch (error) {
    if (error === NEEDS_PARSER) return undefined;
    throw error;
  }
  // The first <base> in tree order counts, and the tree builder may move one: two, and it decides.
  const bases = out.filter((el) => el.tagName === "base" && el.attrs.some((a) => a.name === "href"));
  return bases.length > 1 ? undefined : out;
}
