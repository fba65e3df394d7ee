import { createRequire } from "node:module";
import type valueParser from "postcss-value-parser";
import { unescapeCss as unescapeRaw } from "./escape.js";
import { closesAtEnd, nextCut, PIECE_LENGTH } from "./pieces.js";

/** A URL written in a CSS value, with where its text sits. */
export interface CssReference {
  /** Offset of the URL's text in the value (after an opening quote). */
  start: number;
  /** Offset just after the URL's text (before a closing quote). */
  end: number;
  /** The text as written, escapes and all. */
  raw: string;
  /** The URL a browser requests: `raw` with CSS escapes read. */
  url: string;
  /** `"` or `'` for a string, `""` for an unquoted `url()`. */
  quote: string;
}

type Node = valueParser.Node;

// Required when first needed, not imported: most values never need it (see findReferences),
// and under Eleventy, whose module hooks see every import, importing this CommonJS module
// added about 4 ms to loading the plugin. `require` keeps it loaded after the first call.
const load = createRequire(import.meta.url);
const parseValue = (value: string): valueParser.ParsedValue =>
  (load("postcss-value-parser") as typeof valueParser)(value);

const IMAGE_SET = /^(?:-webkit-)?image-set$/i;

function stringReference(value: string, node: valueParser.StringNode): CssReference {
  const start = node.sourceIndex + 1;
  const closed = !(node as { unclosed?: boolean }).unclosed;
  const end = (node.sourceEndIndex ?? start + node.value.length) - (closed ? 1 : 0);
  return fromText(value, start, end, node.quote);
}

function fromText(value: string, start: number, end: number, quote: string): CssReference {
  const raw = value.slice(start, end);
  return { start, end, raw, url: raw.includes("\\") ? unescapeRaw(raw) : raw, quote };
}

/** The reference a `url()` function node holds, if it holds one. */
function urlReference(value: string, node: valueParser.FunctionNode): CssReference | undefined {
  const inner = node.nodes.filter((n) => n.type !== "space" && n.type !== "comment");
  const first = inner[0];
  if (inner.length !== 1 || !first) return undefined;
  if (first.type === "string") return stringReference(value, first);
  if (first.type === "word")
    return fromText(value, first.sourceIndex, first.sourceEndIndex ?? first.sourceIndex + first.value.length, "");
  return undefined;
}

/**
 * The references among `nodes` and inside their functions, in source order. A loop over a
 * stack, not recursion: a value nested thousands of calls deep (`f(f(f(…)))`) overflowed the
 * call stack with a `RangeError`.
 */
function collect(value: string, nodes: Node[], out: CssReference[]): void {
  const stack: Array<{ nodes: Node[]; at: number; inImageSet: boolean }> = [{ nodes, at: 0, inImageSet: false }];
  while (stack.length > 0) {
    const level = stack[stack.length - 1] as (typeof stack)[number];
    const node = level.nodes[level.at++];
    if (node === undefined) {
      stack.pop();
    } else if (node.type === "string" && level.inImageSet) {
      // In `image-set()`, a bare string is a URL (`image-set("a.png" 1x)`).
      out.push(stringReference(value, node));
    } else if (node.type === "function") {
      const name = node.value.toLowerCase();
      if (name === "url") {
        const ref = urlReference(value, node);
        if (ref) out.push(ref);
      } else {
        // Other strings (`local("Font")`, `format("woff2")`, `type("image/avif")`) are not URLs.
        stack.push({ nodes: node.nodes, at: 0, inImageSet: IMAGE_SET.test(name) });
      }
    }
  }
}

/**
 * The URLs in a CSS value (or a whole declaration list, such as a `style` attribute): every
 * `url()`, and the strings of `image-set()`. Offsets are relative to `value`.
 *
 * @example
 * findReferences('url(a.png) image-set("b.png" 1x)').map((r) => r.url) // ["a.png", "b.png"]
 */
export function findReferences(value: string): CssReference[] {
  // Most values with a function call `calc()`, `var()` or `rgb()`: no need to parse those.
  if (!MAY_REFER.test(value)) return [];
  // The most common value with a URL, `url(a.png) no-repeat`, read without the parser (whose
  // first thousands of calls, before the JIT has warmed up, were a third of a stylesheet's time).
  const plain = PLAIN_URL.exec(value);
  if (plain) {
    // The URL is the first text after the value's first `(` and white space (no `d` flag for
    // its offsets: match indices made it about twice as slow).
    const raw = plain[1] as string;
    const start = value.indexOf(raw, value.indexOf("(") + 1);
    return [{ start, end: start + raw.length, raw, url: raw, quote: "" }];
  }
  return parseReferences(value);
}
const MAY_REFER = /(?:url|image-set)\(/i;
/** A value that is one unquoted, unescaped `url()` first, and nothing after it that could be another. */
const PLAIN_URL = /^\s*url\(\s*([^\s"'\\()]+)\s*\)[^"'\\()]*$/i;

/**
 * What {@link findReferences} finds, always through postcss-value-parser: its shortcuts are
 * tested against this.
 *
 * @example
 * parseReferences("url(a.png) no-repeat")[0]?.url // "a.png"
 */
export function parseReferences(value: string): CssReference[] {
  const out: CssReference[] = [];
  if (value.length <= PIECE_LENGTH) {
    collect(value, parseValue(value).nodes, out);
    return out;
  }
  for (let from = 0; from < value.length;) {
    const cut = nextCut(value, from, PIECE_LENGTH);
    let piece = value.slice(from, cut < 0 ? value.length : cut);
    let nodes = parseValue(piece).nodes;
    if (cut >= 0 && !closesAtEnd(nodes, piece.length)) {
      // The parser reads the cut otherwise than the quick scan did: the rest in one piece.
      piece = value.slice(from);
      nodes = parseValue(piece).nodes;
    }
    const found: CssReference[] = [];
    collect(piece, nodes, found);
    for (const ref of found) out.push(from === 0 ? ref : { ...ref, start: ref.start + from, end: ref.end + from });
    from += piece.length;
  }
  return out;
}

/**
 * The URL an `@import` prelude names: its leading string or `url()`.
 *
 * @example
 * findImport('"base.css" screen')?.url // "base.css"
 */
export function findImport(params: string): CssReference | undefined {
  const first = parseValue(params).nodes.find((n) => n.type !== "space" && n.type !== "comment");
  if (!first) return undefined;
  if (first.type === "string") return stringReference(params, first);
  if (first.type === "function" && first.value.toLowerCase() === "url") return urlReference(params, first);
  return undefined;
}
