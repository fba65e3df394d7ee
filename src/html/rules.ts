/** Where a part of the HTML text lies (parse5's location shape). */
export interface Span {
  startOffset: number;
  endOffset: number;
}

/**
 * What the rules read of an element, in the shape of parse5's elements, so that parse5's tree
 * and the fast reader (`scan.ts`) feed the same code: its attributes with their spans, and the
 * span of its first child's text (for `<style>`).
 */
export interface HtmlElement {
  tagName: string;
  namespaceURI: string;
  attrs: Array<{ name: string; value: string; prefix?: string | undefined }>;
  sourceCodeLocation?: { attrs?: Record<string, Span> | undefined } | null | undefined;
  childNodes: Array<{ sourceCodeLocation?: Span | null | undefined }>;
}

type Element = HtmlElement;

/** How the URLs of one attribute are laid out. */
export type Shape = "url" | "srcset" | "style";

/** An attribute of an element that holds URLs of the page's resources. */
export interface UrlAttribute {
  /** `src`, or `xlink:href` for a prefixed one. */
  key: string;
  shape: Shape;
}

export const HTML_NS = "http://www.w3.org/1999/xhtml";
const SVG_NS = "http://www.w3.org/2000/svg";

/** Elements whose `src` the browser fetches as part of the page (not `iframe`: a page). */
const SRC = new Set(["img", "script", "audio", "video", "source", "track", "embed", "input"]);
const SRCSET = new Set(["img", "source"]);
/** Where lazy-loading scripts keep the real `src`/`srcset` until they swap it in. */
const LAZY = new Set(["img", "source", "video", "audio"]);
const BACKGROUND = new Set(["body", "table", "td", "th"]);
const SVG_HREF = new Set(["use", "image", "feImage"]);
/** `<link rel>` values whose target is a resource of the page; others (canonical, alternate...) are links. */
const LINK_ASSETS = new Set([
  "stylesheet",
  "icon",
  "apple-touch-icon",
  "apple-touch-icon-precomposed",
  "mask-icon",
  "fluid-icon",
  "preload",
  "modulepreload",
  "prefetch",
  "manifest",
]);
/** `<meta>` whose `content` is an image that sharing previews fetch (Open Graph, Twitter cards). */
const META_IMAGES = new Set(["og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src"]);

const SPACES = /[\t\n\f\r ]+/;

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name && !a.prefix)?.value;
}

/**
 * Whether a `<link>` names a resource of the page. A preload `as="fetch"` is left alone: the
 * script that fetches it asks for the plain URL, and a busted preload would be downloaded twice.
 */
function isAssetLink(el: Element): boolean {
  const rel = (attr(el, "rel") ?? "").toLowerCase().split(SPACES);
  if (!rel.some((r) => LINK_ASSETS.has(r))) return false;
  return !(rel.includes("preload") && (attr(el, "as") ?? "").trim().toLowerCase() === "fetch");
}

function isImageMeta(el: Element): boolean {
  const name = (attr(el, "property") ?? attr(el, "name") ?? "").trim().toLowerCase();
  return META_IMAGES.has(name);
}

/** The attribute names of an HTML element that hold resource URLs, with their shapes. */
function htmlAttributes(el: Element): Array<[string, Shape]> {
  const tag = el.tagName;
  const out: Array<[string, Shape]> = [];
  if (SRC.has(tag)) out.push(["src", "url"]);
  if (SRCSET.has(tag)) out.push(["srcset", "srcset"]);
  if (LAZY.has(tag)) out.push(["data-src", "url"], ["data-srcset", "srcset"]);
  if (tag === "video") out.push(["poster", "url"], ["data-poster", "url"]);
  if (tag === "object") out.push(["data", "url"]);
  if (BACKGROUND.has(tag)) out.push(["background", "url"]);
  if (tag === "link" && isAssetLink(el)) out.push(["href", "url"], ["imagesrcset", "srcset"]);
  if (tag === "meta" && isImageMeta(el)) out.push(["content", "url"]);
  return out;
}

/**
 * The attributes of `el` whose URLs are resources of the page, with their shapes: the one set
 * of rules for the CLI and Eleventy's `auto`. Page links (`<a href>`, `<iframe src>`, canonical
 * and feed links) are never listed.
 *
 * @example
 * urlAttributes(img) // [{ key: "src", shape: "url" }, { key: "style", shape: "style" }] (for <img src=… style=…>)
 */
export function urlAttributes(el: Element): UrlAttribute[] {
  const wanted: Array<[string, Shape, string?]> =
    el.namespaceURI === HTML_NS
      ? htmlAttributes(el)
      : el.namespaceURI === SVG_NS && SVG_HREF.has(el.tagName)
        ? [
            ["href", "url"],
            ["href", "url", "xlink"],
          ]
        : [];
  wanted.push(["style", "style"]);
  const out: UrlAttribute[] = [];
  for (const [name, shape, prefix] of wanted) {
    if (el.attrs.some((a) => a.name === name && a.prefix === prefix))
      out.push({ key: prefix ? `${prefix}:${name}` : name, shape });
  }
  return out;
}

/** Whether a URL path names a page or a directory, which are links, never busted. */
export function isPageLink(path: string): boolean {
  return path === "" || path.endsWith("/") || /\.x?html?$/i.test(path) || /(^|\/)\.\.?$/.test(path);
}
