import { defaultTreeAdapter, parse } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";
import { type Edit, applyEdits } from "../css/edits.js";
import { rewriteCss, styleEdits } from "../css/rewrite.js";
import { rawValue, rewriteValue } from "./attribute.js";
import { HTML_NS, type HtmlElement, type Shape, urlAttributes } from "./rules.js";
import { scanElements } from "./scan.js";
import { srcsetUrls } from "./srcset.js";

type Node = DefaultTreeAdapterMap["node"];
type Element = HtmlElement;

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

/** Edits of an attribute's decoded value. */
function valueEdits(value: string, shape: Shape, bust: (url: string, at: number) => string | undefined): Edit[] {
  if (shape === "style") return styleEdits(value, (ref) => bust(ref.url, ref.start));
  const spans =
    shape === "srcset"
      ? srcsetUrls(value)
      : [{ start: value.length - value.trimStart().length, end: value.trimEnd().length }];
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
  while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s])
    s++;
  return { start: start + p, end: start + before.length - s, insert: after.slice(p, after.length - s) };
}

/**
 * The elements of parse5's tree of `html` that come from the text (not implied ones), in
 * tree order, `<template>` contents included.
 */
export function parsedElements(html: string): Element[] {
  const doc = parse(html, { sourceCodeLocationInfo: true, scriptingEnabled: false, treeAdapter });
  const out: Element[] = [];
  const stack: Node[] = [doc];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if ("tagName" in n && n.sourceCodeLocation) out.push(n);
    const children = "childNodes" in n ? n.childNodes : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Node);
    if ("content" in n && n.content) stack.push(n.content as Node);
  }
  return out;
}

/** The elements the rules act on: the fast reader's, or parse5's where the page needs a tree. */
const pageElements = (html: string): Element[] => scanElements(html) ?? parsedElements(html);

/**
 * The edit that brings the `integrity` attribute of a `<link>` or `<script>` up to date with
 * the bytes served at its (busted) URL: a stylesheet rewritten in place has new bytes, and a
 * stale integrity value would make the browser refuse it.
 */
function integrityEdit(
  html: string,
  el: Element,
  url: string,
  recompute: (url: string, current: string) => string | undefined,
): Edit | undefined {
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
function baseHref(elements: readonly Element[]): string | undefined {
  for (const el of elements) {
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
export function htmlEdits(html: string, hooks: HtmlHooks, read = pageElements): Edit[] {
  const elements = read(html);
  const base = baseHref(elements);
  const bust = hooks.bustFor(base);
  const integrity = hooks.integrityFor?.(base);
  const edits: Edit[] = [];
  for (const el of elements) {
    const resolved = attributeEdits(html, el, bust, hooks, edits);
    const sri = resolved !== undefined && integrity ? integrityEdit(html, el, resolved, integrity) : undefined;
    if (sri) edits.push(sri);
    if (el.tagName === "style" && el.namespaceURI === HTML_NS) styleElementEdit(html, el, bust, hooks, edits);
  }
  return edits;
}

/**
 * Pushes the edits of `el`'s URL attributes onto `edits`; returns the element's `src`/`href`
 * URL when it named a file (for `integrity`).
 */
function attributeEdits(html: string, el: Element, bust: BustUrl, hooks: HtmlHooks, edits: Edit[]): string | undefined {
  let resolved: string | undefined;
  for (const { key, shape } of urlAttributes(el)) {
    const at = el.sourceCodeLocation?.attrs?.[key];
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
  return resolved;
}

/** Pushes the edit of a `<style>` element's CSS onto `edits` (none when it cannot be parsed). */
function styleElementEdit(html: string, el: Element, bust: BustUrl, hooks: HtmlHooks, edits: Edit[]): void {
  const span = el.childNodes[0]?.sourceCodeLocation;
  if (!span) return;
  const css = html.slice(span.startOffset, span.endOffset);
  try {
    const out = rewriteCss(css, (ref) => bust(ref.url, span.startOffset + ref.offset));
    if (out !== undefined) edits.push({ start: span.startOffset, end: span.endOffset, insert: out });
  } catch (error) {
    hooks.onCssError(error, span.startOffset);
  }
}

/** {@link htmlEdits} applied: the new text, or `undefined` when nothing changed. */
export function rewriteHtml(html: string, hooks: HtmlHooks): string | undefined {
  const edits = htmlEdits(html, hooks);
  return edits.length === 0 ? undefined : applyEdits(html, edits);
}
