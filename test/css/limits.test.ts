import fc from "fast-check";
import valueParser from "postcss-value-parser";
import { describe, expect, it } from "vitest";
import { cssTransformer, CssSyntaxError, rewriteCss } from "../../src/css/index.js";
import { parseReferences } from "../../src/css/references.js";
import { styleEdits } from "../../src/css/rewrite.js";
import { MAX_NESTING } from "../../src/css/statements.js";
import { PIECE_LENGTH } from "../../src/css/pieces.js";
import { createCacheBuster } from "../../src/index.js";
import { sha, tree } from "./fixtures.js";

const bust = (ref: { url: string }) => `${ref.url}?v=1`;

/** The error `run` throws, or undefined. */
function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("a stylesheet's bytes decide whether it is rewritten", () => {
  it("rewrites a valid UTF-8 stylesheet that holds a literal U+FFFD", () => {
    const css = '.a::before{content:"\uFFFD"}.b{background:url(a.png)}';
    const root = tree({ "s.css": css, "a.png": "A" });
    const b = createCacheBuster({ root, transformers: [cssTransformer()] });
    b.url("/s.css");
    const content = b
      .entries()
      .find((e) => e.urlPath === "/s.css")
      ?.content?.toString("utf8");
    expect(content).toBe(`.a::before{content:"\uFFFD"}.b{background:url(a.png?v=${sha("A")})}`);
  });

  it("leaves a stylesheet with bytes that are not UTF-8 as it is, without a @charset", () => {
    const bytes = Buffer.concat([
      Buffer.from('.a{content:"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}.b{background:url(a.png)}'),
    ]);
    const root = tree({ "s.css": bytes, "a.png": "A" });
    const b = createCacheBuster({ root, transformers: [cssTransformer()] });
    expect(b.url("/s.css")).toBe(`/s.css?v=${sha(bytes)}`);
    expect(b.entries().find((e) => e.urlPath === "/s.css")?.content).toBeUndefined();
  });
});

describe("deep nesting", () => {
  const cases: Array<[string, string]> = [
    ["5,000 nested f(", `.a{background:url(a.png) ${"f(".repeat(5000)}${")".repeat(5000)}}`],
    ["10,000 unclosed (", `.a{background:url(a.png) ${"(".repeat(10000)}}`],
    ["5,000 nested image-set(", `.a{background:${"image-set(".repeat(5000)}"a.png" 1x${")".repeat(5000)}}`],
    ["5,000 nested [", `.a{background:url(a.png) ${"[".repeat(5000)}}`],
  ];

  it.each(cases)("of %s is a CssSyntaxError naming the file, line and column", (_, css) => {
    const error = thrown(() => rewriteCss(`\n\n${css}`, bust, "deep.css"));
    expect(error).toBeInstanceOf(CssSyntaxError);
    expect(error).toMatchObject({ code: "CSS_SYNTAX", file: "deep.css", line: 3 });
    expect((error as CssSyntaxError).column).toBeGreaterThan(1);
    expect((error as CssSyntaxError).message).toMatch(/^deep\.css:3:\d+: Brackets nested more than 1000 deep$/);
  });

  it("up to the limit is read, and its URLs busted", () => {
    const depth = MAX_NESTING - 1;
    const css = `.a{background:${"image-set(".repeat(depth)}"a.png" 1x${")".repeat(depth)}}`;
    expect(rewriteCss(css, bust)).toContain('"a.png?v=1" 1x');
  });

  it("in a style attribute's declarations is read without overflowing the stack", () => {
    const text = `background:${"f(".repeat(20000)}url(a.png)${")".repeat(20000)}`;
    expect(styleEdits(text, bust).map((e) => e.insert)).toEqual(["a.png?v=1"]);
  });

  it("under a buster is a CSS_SYNTAX error naming the stylesheet, not a RangeError", () => {
    const root = tree({ "s.css": `.a{background:url(a.png) ${"f(".repeat(5000)}${")".repeat(5000)}}`, "a.png": "A" });
    const b = createCacheBuster({ root, transformers: [cssTransformer()] });
    const error = thrown(() => b.url("/s.css"));
    expect(error).toMatchObject({ code: "CSS_SYNTAX" });
    expect(String((error as Error).message)).toContain("s.css");
  });
});

/** What postcss-value-parser finds reading the whole value at once, for comparison. */
function wholeValueUrls(value: string): string[] {
  const urls: string[] = [];
  valueParser(value).walk((node) => {
    if (node.type === "function" && node.value.toLowerCase() === "url") {
      const inner = node.nodes.filter((n) => n.type !== "space" && n.type !== "comment");
      if (inner.length === 1 && (inner[0]?.type === "word" || inner[0]?.type === "string")) urls.push(inner[0].value);
      return false;
    }
    return undefined;
  });
  return urls;
}

describe("a long value read in pieces", () => {
  const part = fc.constantFrom(
    "url(a.png)",
    "url( 'b c.png' )",
    'url("d).png")',
    " ",
    ", ",
    "/* ) url(x.png) */",
    "f(url(e.png))",
    "x)",
    "(a b)",
    ")",
    '"str)"',
    "\\)",
    "calc(1px*2)",
    "url(g(h).png)",
    "URL(i.png)",
  );
  const long = fc.array(part, { minLength: 1, maxLength: 40 }).map((parts) => {
    let out = "";
    while (out.length < 3 * PIECE_LENGTH) out += parts.join("");
    return out;
  });

  it("finds the same URLs, at the same offsets, as the parser reading it whole", () => {
    fc.assert(
      fc.property(long, (value) => {
        const refs = parseReferences(value);
        expect(refs.map((r) => r.raw)).toEqual(refs.map((r) => value.slice(r.start, r.end)));
        expect(refs.map((r) => r.raw)).toEqual(wholeValueUrls(value));
      }),
      { numRuns: 60 },
    );
  });
});
