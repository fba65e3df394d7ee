import { defaultTreeAdapter, parse } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";
import { type Edit, applyEdits } from "../css/edits.js";
import { rewriteCss, styleEdits } from "../css/rewrite.js";
import { rawValue, rewriteValue } from "./attribute.js";
import { srcsetUrls } from "./srcset.js";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

/**
 * parse5's tree, with end locations updated in place: the default adapter copies a text
 * node's location object for every run of characters, which made parsing several times
 * slower on text-heavy pages. The object is the node's own (made per token), so this is safe.
 */
const treeAdapter: typeof defaultTreeAdapter = {
  ...defaultTreeAdapter,
  updateNodeSourceCodeLocation(node, endLocation) {
    const own = node as { sourceCodeLocation?: object | null };
    if (own.sourceCodeLocation) Object.assign(own.sourceCodeLocation, endLocation);
    else own.sourceCodeLocation = { ...endLocation };
  },
};

/** Busts one URL found at `offset` in the HTML text: the new URL, or `undefined` to leave it. */
export type BustUrl = (url: string, offset: number) => string | undefined;

const HTML_NS = "http://www.w3.org/1999/xhtml";
const SVG_NS = "http://www.w3.org/2000/svg";

/** Elements whose `src` the browser fetches as part of the page (not `iframe`: a page). */
const SRC = new Set(["img", "script", "audio", "video", "source", "track", "embed", "input"]);
const SRCSET = new Set(["img", "source"]);
const BACKGROUND = new Set(["body", "table", "td", "th"]);
const SVG_HREF = new Set(["use", "image", "feImage"]);
/** `<link rel>` values whose target is a resource of the page; others (canonical, alternate...) are links. */
const LINK_ASSETS = new Set([
  "stylesheet", "icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon", "fluid-icon",
  "preload", "modulepreload", "prefetch", "manifest",
]);

/** How the URLs of one attribute are laid out. */
type Shape = "url" | "srcset" | "style";

/** The attributes of `el` whose URLs are resources of the page, with their shapes. */
function attributesOf(el: Element): Array<{ key: string; shape: Shape }> {
  const out: Array<{ key: string; shape: Shape }> = [];
  const has = (name: string, prefix?: string) => el.attrs.some((a) => a.name === name && a.prefix === prefix);
  const add = (name: string, shape: Shape, prefix?: string) => {
    if (has(name, prefix)) out.push({ key: prefix ? `${prefix}:${name}` : name, shape });
  };
  const tag = el.tagName;
  if (el.namespaceURI === HTML_NS) {
    if (SRC.has(tag)) add("src", "url");
    if (SRCSET.has(tag)) add("srcset", "srcset");
    if (tag === "video") add("poster", "url");
    if (tag === "object") add("data", "url");
    if (BACKGROUND.has(tag)) add("background", "url");
    if (tag === "link") {
      const rel = el.attrs.find((a) => a.name === "rel")?.value.toLowerCase().split(/[\t\n\f\r ]+/) ?? [];
      if (rel.some((r) => LINK_ASSETS.has(r))) {
        add("href", "url");
        add("imagesrcset", "srcset");
      }
    }
  } else if (el.namespaceURI === SVG_NS && SVG_HREF.has(tag)) {
    add("href", "url");
    add("href", "url", "xlink");
  }
  add("style", "style");
  return out;
}

/** Edits of an attribute's decoded value. */
function valueEdits(value: string, shape: Shape, bust: (url: string, at: number) => string | undefined): Edit[] {
  if (shape === "style") return styleEdits(value, (ref) => bust(ref.url, ref.start));
  const spans = shape === "srcset" ? srcsetUrls(value) : [{ start: value.length - value.trimStart().length, end: value.trimEnd().length }];
  const edits: Edit[] = [];
  for (const { start, end } of spans) {
    if (end <= start) continue;
    const url = value.slice(start, end);
    const busted = bust(url, start);
    if (busted !== undefined && busted !== url) edits.push(minimalEdit(start, url, busted));
  }
  return edits;
}

/** The smallest edit that turns `before` (at `start`) into `after`: the rest stays as written. */
function minimalEdit(start: number, before: string, after: string): Edit {
  let p = 0;
  while (p < before.length && p < after.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return { start: start + p, end: start + before.length - s, insert: after.slice(p, after.length - s) };
}

function* elements(node: Node): Generator<Element> {
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if ("tagName" in n) yield n;
    const children = "childNodes" in n ? n.childNodes : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Node);
    if ("content" in n && n.content) stack.push(n.content as Node);
  }
}

/**
 * The edit that brings the `integrity` attribute of a `<link>` or `<script>` up to date with
 * the bytes served at its (busted) URL: a stylesheet rewritten in place has new bytes, and a
 * stale integrity value would make the browser refuse it.
 */
function integrityEdit(html: string, el: Element, url: string, recompute: (url: string, current: string) => string | undefined): Edit | undefined {
  if (el.namespaceURI !== HTML_NS || (el.tagName !== "link" && el.tagName !== "script")) return undefined;
  const attr = el.attrs.find((a) => a.name === "integrity" && !a.prefix);
  const at = el.sourceCodeLocation?.attrs?.integrity;
  if (!attr || !at) return undefined;
  const where = rawValue(html, at.startOffset, "integrity".length, at.endOffset);
  const value = recompute(url, attr.value);
  if (!where || value === undefined || value === attr.value) return undefined;
  return rewriteValue(html, where, attr.value, [{ start: 0, end: attr.value.length, insert: value }]);
}

/** The `href` of the document's first `<base>`, if it has one. */
function baseHref(doc: Node): string | undefined {
  for (const el of elements(doc)) {
    if (el.tagName === "base" && el.namespaceURI === HTML_NS) {
      const href = el.attrs.find((a) => a.name === "href");
      if (href) return href.value;
    }
  }
  return undefined;
}

/** What {@link rewriteHtml} needs from its caller. */
export interface HtmlHooks {
  /** Makes the URL buster for this page, given its `<base href>` (if any). */
  bustFor(baseHref: string | undefined): BustUrl;
  /** Told about a `<style>` element whose CSS cannot be parsed (it is left as written). */
  onCssError(error: unknown, offset: number): void;
  /**
   * Makes the function that recomputes an `integrity` value (`current`, listing the algorithms
   * to use) for a URL that named a file, given the page's `<base href>`.
   */
  integrityFor?(baseHref: string | undefined): ((url: string, current: string) => string | undefined) | undefined;
  /** Told about a value left as written because its character references could not be mapped. */
  onUnreadableValue?(offset: number): void;
}

/**
 * The edits that bust the resource URLs of an HTML document (`src`, `srcset`, `poster`,
 * `<link>` assets, inline `style` and `<style>`); every other character stays as written.
 *
 * @example
 * applyEdits(html, htmlEdits('<img src="a.png">', { bustFor: () => (u) => u + "?v=1", onCssError() {} })) // '<img src="a.png?v=1">'
 */
export function htmlEdits(html: string, hooks: HtmlHooks): Edit[] {
  const doc = parse(html, { sourceCodeLocationInfo: true, scriptingEnabled: false, treeAdapter });
  const base = baseHref(doc);
  const bust = hooks.bustFor(base);
  const integrity = hooks.integrityFor?.(base);
  const edits: Edit[] = [];
  for (const el of elements(doc)) {
    const location = el.sourceCodeLocation;
    if (!location) continue;
    /** The element's `src`/`href` URL, when it named a file (for `integrity`). */
    let resolved: string | undefined;
    for (const { key, shape } of attributesOf(el)) {
      const at = location.attrs?.[key];
      const attr = el.attrs.find((a) => (a.prefix ? `${a.prefix}:${a.name}` : a.name) === key);
      if (!at || !attr) continue;
      const where = rawValue(html, at.startOffset, key.length, at.endOffset);
      if (!where) continue;
      const wanted = valueEdits(attr.value, shape, (url, i) => {
        const out = bust(url, where.start + i);
        if (out !== undefined && shape === "url") resolved = url;
        return out;
      });
      const edit = rewriteValue(html, where, attr.value, wanted);
      if (edit) edits.push(edit);
      else if (wanted.length > 0) hooks.onUnreadableValue?.(where.start);
    }
    const sri = resolved !== undefined && integrity ? integrityEdit(html, el, resolved, integrity) : undefined;
    if (sri) edits.push(sri);
    if (el.tagName === "style" && el.namespaceURI === HTML_NS) {
      const text = el.childNodes[0];
      const span = text && text.sourceCodeLocation;
      if (!span) continue;
      const css = html.slice(span.startOffset, span.endOffset);
      try {
        const out = rewriteCss(css, (ref) => bust(ref.url, span.startOffset + ref.offset));
        if (out !== undefined) edits.push({ start: span.startOffset, end: span.endOffset, insert: out });
      } catch (error) {
        hooks.onCssError(error, span.startOffset);
      }
    }
  }
  return edits;
}

/** {@link htmlEdits} applied: the new text, or `undefined` when nothing changed. */
export function rewriteHtml(html: string, hooks: HtmlHooks): string | undefined {
  const edits = htmlEdits(html, hooks);
  return edits.length === 0 ? undefined : applyEdits(html, edits);
}
