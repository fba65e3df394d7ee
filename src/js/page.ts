import { parse } from "parse5";
import type { DefaultTreeAdapterMap } from "parse5";

type Node = DefaultTreeAdapterMap["node"];
type Element = DefaultTreeAdapterMap["element"];

/** What a page says about its modules, with offsets into its HTML. */
export interface PageModules {
  /** `src` of each `<script type="module">` and `href` of each `<link rel="modulepreload">`, as written. */
  sources: string[];
  /** The text of each inline `<script type="module">`. */
  inline: string[];
  /** Offset of the first module script or modulepreload link: where an import map must go before. */
  firstModuleAt: number | undefined;
  /** The first `<script type="importmap">`'s text and its span, if the page has one. */
  importMap: { text: string; start: number; end: number; tagStart: number } | undefined;
}

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name && a.prefix === undefined)?.value;
}

function scriptType(el: Element): string {
  return (attr(el, "type") ?? "").trim().toLowerCase();
}

function textOf(el: Element): { text: string; start: number; end: number } {
  const child = el.childNodes[0] as DefaultTreeAdapterMap["textNode"] | undefined;
  const at = el.sourceCodeLocation?.startTag?.endOffset ?? 0;
  if (!child || child.nodeName !== "#text" || !child.sourceCodeLocation) return { text: "", start: at, end: at };
  return { text: child.value, start: child.sourceCodeLocation.startOffset, end: child.sourceCodeLocation.endOffset };
}

/**
 * Reads a page's module scripts, modulepreload links and import map with parse5 (the HTML
 * parser browsers' algorithm is written down as). Scripts inside `<template>` are not run, and
 * are not listed.
 *
 * @example
 * pageModules('<script type="module" src="/js/app.js"></script>').sources // ["/js/app.js"]
 */
export function pageModules(html: string): PageModules {
  const out: PageModules = { sources: [], inline: [], firstModuleAt: undefined, importMap: undefined };
  const visit = (node: Node): void => {
    if (!("tagName" in node)) return;
    const el = node as Element;
    const at = el.sourceCodeLocation?.startOffset;
    if (el.tagName === "script" && scriptType(el) === "module") {
      const src = attr(el, "src");
      if (src !== undefined) out.sources.push(src);
      else out.inline.push(textOf(el).text);
      out.firstModuleAt ??= at;
    } else if (el.tagName === "script" && scriptType(el) === "importmap" && !out.importMap && at !== undefined) {
      out.importMap = { ...textOf(el), tagStart: at };
    } else if (el.tagName === "link" && (attr(el, "rel") ?? "").toLowerCase().split(/\s+/).includes("modulepreload")) {
      const href = attr(el, "href");
      if (href !== undefined) out.sources.push(href);
      out.firstModuleAt ??= at;
    }
    for (const child of el.childNodes) visit(child);
  };
  for (const child of parse(html, { sourceCodeLocationInfo: true }).childNodes) visit(child);
  return out;
}
