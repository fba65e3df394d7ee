import fc from "fast-check";
import postcss from "postcss";
import { describe, expect, it } from "vitest";
import { rewriteCss } from "../../src/css/index.js";
import { findImport, findReferences } from "../../src/css/references.js";

/** What postcss's full parser finds: the URLs of every declaration and `@import`, in order. */
function parserUrls(css: string): string[] {
  const urls: string[] = [];
  postcss.parse(css).walk((node) => {
    if (node.type === "decl") {
      const raw = (node.raws.value as { raw?: string } | undefined)?.raw ?? node.value;
      urls.push(...findReferences(raw).map((r) => r.url));
    } else if (node.type === "atrule" && node.name.toLowerCase() === "import") {
      const ref = findImport((node.raws.params as { raw?: string } | undefined)?.raw ?? node.params);
      if (ref) urls.push(ref.url);
    }
  });
  return urls;
}

/** What rewriteCss hands to its callback, in order. */
function rewriteUrls(css: string): string[] {
  const urls: string[] = [];
  rewriteCss(css, (ref) => {
    urls.push(ref.url);
    return undefined;
  });
  return urls;
}

const gap = fc.constantFrom("", " ", "\n  ", "/* url(comment.png) */", " /* ; { } */ ");
const url = fc.constantFrom("a.png", "../b.png", "c d.png", "e.woff2?#iefix", "data:image/svg+xml;utf8,<svg></svg>", "https://x.example/f.png");
const quoted = fc.tuple(fc.constantFrom('"', "'", ""), url).map(([q, u]) => (q === "" ? u.replace(/ /g, "\\ ") : `${q}${u}${q}`));
const value = fc.oneof(
  quoted.map((u) => `url(${u})`),
  fc.tuple(quoted, quoted).map(([a, b]) => `url(${a}) no-repeat, URL(${b})`),
  quoted.map((u) => `image-set(${u.startsWith("url") ? u : `"${u.replace(/^["']|["']$/g, "")}"`} 1x, url(${u}) 2x)`),
  fc.constantFrom("red", "1px solid #000", '"url(not-a-url.png)"', "calc(1px + 2px)", "var(--x, url(v.png))", "local(\"a.png\"), url(f.woff2) format(\"woff2\")"),
);
const declaration = fc
  .tuple(fc.constantFrom("background", "src", "--bg", "content", "mask"), gap, gap, value, fc.constantFrom("", " !important"))
  .map(([prop, g1, g2, v, imp]) => `${prop}${g1}:${g2}${v}${imp}`);
// A custom property's value may hold braces, and `;` inside them does not end it.
const customBlock = fc.tuple(gap, value, value).map(([g, a, b]) => `--set:${g}{ x: ${a}; y: ${b} }`);
const block = fc.array(fc.oneof(declaration, customBlock), { minLength: 0, maxLength: 3 }).map((ds) => ds.join(";"));
const statement: fc.Arbitrary<string> = fc.letrec((tie) => ({
  rule: fc.oneof(
    fc.tuple(fc.constantFrom(".a", "a:hover", "p > b:not(.c)", '[data-x="url(q.png)"]', "&:focus"), gap, block, fc.constantFrom("", ";")).map(([s, g, b, semi]) => `${s}${g}{${b}${semi}}`),
    fc.tuple(fc.constantFrom("@media (min-width: 1px)", "@supports (background: url(s.png))", "@layer x", ".n"), fc.array(tie("rule") as fc.Arbitrary<string>, { maxLength: 2 }), block).map(([p, rs, b]) => `${p} {${rs.join("\n")}${b}}`),
    fc.tuple(block).map(([b]) => `@font-face {${b}}`),
    fc.tuple(quoted, fc.constantFrom("", " screen", " layer(base) supports(display: grid)")).map(([u, m]) => `@import ${u.startsWith('"') || u.startsWith("'") ? u : `url(${u})`}${m};`),
    fc.constantFrom('@charset "utf-8";', "@namespace svg url(http://www.w3.org/2000/svg);", "@layer a, b;", '@import "x.css"'),
  ),
})).rule;
const sheet = fc.array(fc.tuple(statement, gap), { minLength: 1, maxLength: 6 }).map((parts) => parts.map(([s, g]) => s + g).join("\n"));

describe("rewriteCss against postcss's parser", () => {
  it("finds the references the full parser finds, in the same order", () => {
    fc.assert(
      fc.property(sheet, (css) => {
        expect(rewriteUrls(css)).toEqual(parserUrls(css));
      }),
      { numRuns: 500 },
    );
  });

  it("reads no URL out of strings, comments, selectors or at-rule preludes", () => {
    const css = '/* url(a.png) */ [title="url(b.png)"] { content: "url(c.png)" } @supports (background: url(d.png)) { e { background: url(e.png) } }';
    expect(rewriteUrls(css)).toEqual(["e.png"]);
  });

  it("throws postcss's CssSyntaxError with file, line and column for an unclosed string", () => {
    expect(() => rewriteCss('a {}\nb { background: url("x.png) }', () => undefined, "site.css")).toThrow(
      expect.objectContaining({ name: "CssSyntaxError", file: expect.stringContaining("site.css"), line: 2, column: 21 }),
    );
  });

  it("does not read a source map the stylesheet names when it reports an error", () => {
    // A FIFO would block a read for ever; the error must come back at once.
    const css = '/*# sourceMappingURL=s.css.map */\na { background: url("x.png) }';
    expect(() => rewriteCss(css, () => undefined, "nowhere/s.css")).toThrow(expect.objectContaining({ name: "CssSyntaxError" }));
  });
});
