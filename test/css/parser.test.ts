import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import postcss from "postcss";
import { describe, expect, it } from "vitest";
import { rewriteCss } from "../../src/css/index.js";
import { findImport, findReferences, parseReferences } from "../../src/css/references.js";
import { findStatements } from "../../src/css/statements.js";
import { tree } from "./fixtures.js";

const DIST = join(__dirname, "../../dist");

/** What postcss's full parser finds: the URLs of every declaration and `@import`, in order. */
function parserUrls(css: string): string[] {
  const urls: string[] = [];
  postcss.parse(css).walk((node) => {
    if (node.type === "decl") {
      const raw = (node.raws.value as { raw?: string } | undefined)?.raw ?? node.value;
      urls.push(...parseReferences(raw).map((r) => r.url));
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
const url = fc.constantFrom(
  "a.png",
  "../b.png",
  "c d.png",
  "e.woff2?#iefix",
  "data:image/svg+xml;utf8,<svg></svg>",
  "https://x.example/f.png",
);
const quoted = fc
  .tuple(fc.constantFrom('"', "'", ""), url)
  .map(([q, u]) => (q === "" ? u.replace(/ /g, "\\ ") : `${q}${u}${q}`));
const value = fc.oneof(
  quoted.map((u) => `url(${u})`),
  fc.tuple(quoted, quoted).map(([a, b]) => `url(${a}) no-repeat, URL(${b})`),
  quoted.map((u) => `image-set(${u.startsWith("url") ? u : `"${u.replace(/^["']|["']$/g, "")}"`} 1x, url(${u}) 2x)`),
  fc.constantFrom(
    "red",
    "1px solid #000",
    '"url(not-a-url.png)"',
    "calc(1px + 2px)",
    "var(--x, url(v.png))",
    'local("a.png"), url(f.woff2) format("woff2")',
  ),
);
const declaration = fc
  .tuple(
    fc.constantFrom("background", "src", "--bg", "content", "mask"),
    gap,
    gap,
    value,
    fc.constantFrom("", " !important"),
  )
  .map(([prop, g1, g2, v, imp]) => `${prop}${g1}:${g2}${v}${imp}`);
// A custom property's value may hold braces, and `;` inside them does not end it.
const customBlock = fc.tuple(gap, value, value).map(([g, a, b]) => `--set:${g}{ x: ${a}; y: ${b} }`);
const block = fc.array(fc.oneof(declaration, customBlock), { minLength: 0, maxLength: 3 }).map((ds) => ds.join(";"));
const statement: fc.Arbitrary<string> = fc.letrec((tie) => ({
  rule: fc.oneof(
    fc
      .tuple(
        fc.constantFrom(".a", "a:hover", "p > b:not(.c)", '[data-x="url(q.png)"]', "&:focus"),
        gap,
        block,
        fc.constantFrom("", ";"),
      )
      .map(([s, g, b, semi]) => `${s}${g}{${b}${semi}}`),
    fc
      .tuple(
        fc.constantFrom("@media (min-width: 1px)", "@supports (background: url(s.png))", "@layer x", ".n"),
        fc.array(tie("rule") as fc.Arbitrary<string>, { maxLength: 2 }),
        block,
      )
      .map(([p, rs, b]) => `${p} {${rs.join("\n")}${b}}`),
    fc.tuple(block).map(([b]) => `@font-face {${b}}`),
    fc
      .tuple(quoted, fc.constantFrom("", " screen", " layer(base) supports(display: grid)"))
      .map(([u, m]) => `@import ${u.startsWith('"') || u.startsWith("'") ? u : `url(${u})`}${m};`),
    fc.constantFrom(
      '@charset "utf-8";',
      "@namespace svg url(http://www.w3.org/2000/svg);",
      "@layer a, b;",
      '@import "x.css"',
    ),
  ),
})).rule;
const sheet = fc
  .array(fc.tuple(statement, gap), { minLength: 1, maxLength: 6 })
  .map((parts) => parts.map(([s, g]) => s + g).join("\n"));

/**
 * Whether postcss's parser takes the text as well-formed declarations: it also accepts junk
 * before a property name (`):x: url(a)` becomes a property `x`, an old IE hack), where a
 * browser drops the whole declaration; such text is not compared.
 */
function parsesCleanly(css: string): boolean {
  try {
    let clean = true;
    postcss.parse(css).walkDecls((decl) => {
      if ((decl.raws.before ?? "").replace(/\/\*[\s\S]*?\*\//g, "").trim() !== "") clean = false;
    });
    return clean;
  } catch {
    return false;
  }
}

// Fragments that decide where statements start and end, mixed at random.
const fragment = fc.constantFrom(
  "a",
  ".b",
  "--c",
  "-",
  ".d--e",
  "d",
  ":",
  ";",
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  " ",
  "\n",
  "@import ",
  "@IMPORT",
  "@media",
  "@x",
  "url(u1.png)",
  "url( u8.png )",
  "url( 'u2.png' )",
  'url("u3.png")',
  "URL(u4.png)",
  "url(u5.png",
  "image-set('u6.png' 1x)",
  "var(--v, url(u7.png))",
  '"s;{}"',
  "'t\\'s'",
  "\\;",
  "\\{",
  "\\:",
  "\\\\",
  "/* ; { */",
  "(a;b)",
  "(a[b)",
  '(a"b)',
  "x(",
  "!important",
  ",",
);
const soup = fc.array(fragment, { minLength: 1, maxLength: 24 }).map((parts) => parts.join(""));

describe("findReferences", () => {
  it("finds what postcss-value-parser finds, at the same offsets", () => {
    const part = fc.oneof(value, fragment, gap);
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join("");
        expect(findReferences(text)).toEqual(parseReferences(text));
      }),
      { numRuns: 3000 },
    );
  });

  it("reads a plain url() value without the parser and gets the same answer", () => {
    for (const text of [
      " url(../img/a.png) no-repeat",
      "URL( a.png )",
      "url(a.png)x",
      " url(a.png) /* c */",
      "url(a.png) 0 0 / cover !important",
    ]) {
      expect(findReferences(text)).toEqual(parseReferences(text));
      expect(findReferences(text)).toHaveLength(1);
    }
  });
});

describe("rewriteCss against postcss's parser", () => {
  it("finds what the full parser finds in any mix of CSS punctuation it accepts", () => {
    fc.assert(
      fc.property(soup, (css) => {
        fc.pre(parsesCleanly(css));
        expect(rewriteUrls(css)).toEqual(parserUrls(css));
      }),
      { numRuns: 3000 },
    );
  });

  it("finds the references the full parser finds, in the same order", () => {
    fc.assert(
      fc.property(sheet, (css) => {
        expect(rewriteUrls(css)).toEqual(parserUrls(css));
      }),
      { numRuns: 500 },
    );
  });

  it("reads no URL out of strings, comments, selectors or at-rule preludes", () => {
    const css =
      '/* url(a.png) */ [title="url(b.png)"] { content: "url(c.png)" } @supports (background: url(d.png)) { e { background: url(e.png) } }';
    expect(rewriteUrls(css)).toEqual(["e.png"]);
  });

  // The scanner passes over plain stretches (no comment, string, bracket or at-rule) in one step
  // and works out afterwards where their statements began and whether they are declarations.
  it.each([
    ["rules before", "a{b:c;d:e}f{g:h}i { background: url(1.png) }", ["1.png"]],
    ["a colon only in the selector", "a:hover{b:c} d:focus { background: url(2.png) }", ["2.png"]],
    ["a custom property's braces", "a { --x: { y: url(3.png); z: w }; b: url(4.png) }", ["3.png", "4.png"]],
    ["a custom property's braces around no declaration", "a { b: c; --x: { y; url(11.png) } }", ["11.png"]],
    ["a string with ; and : in it", 'a { content: "x;y:z"; b: url(5.png) } c { d: e }', ["5.png"]],
    ["a bracket in the selector", "[a=b] { c: d; e: url(6.png) } f:not(.g) { h: url(7.png) }", ["6.png", "7.png"]],
    ["a declaration after a call", "a { b: c(d); e: f; g: url(8.png) }", ["8.png"]],
    ["a nested rule", "a { b { c: d } e: url(9.png) } f { g: url(10.png) }", ["9.png", "10.png"]],
  ])("finds what postcss finds after %s", (_, css, urls) => {
    expect(parserUrls(css)).toEqual(urls);
    expect(rewriteUrls(css)).toEqual(urls);
  });

  it("starts a value where postcss does, after the colon of its own declaration", () => {
    const css = "a { b:c; --d { e: url(x.png) } }";
    expect(findStatements(css).map((st) => css.slice(st.start, st.end))).toEqual([" url(x.png) "]);
  });

  it("reads a custom property's value in braces as one statement", () => {
    const css = "a { --x: { y: url(3.png); z: w }; b: url(4.png) }";
    expect(findStatements(css).map((st) => css.slice(st.start, st.end))).toEqual([
      " { y: url(3.png); z: w }",
      " url(4.png) ",
    ]);
  });

  it("throws a CssSyntaxError with code, file, line and column for an unclosed string", () => {
    expect(() => rewriteCss('a {}\nb { background: url("x.png) }', () => undefined, "site.css")).toThrow(
      expect.objectContaining({
        name: "CssSyntaxError",
        code: "CSS_SYNTAX",
        file: "site.css",
        line: 2,
        column: 21,
        message: "site.css:2:21: Unclosed string",
      }),
    );
  });

  it("never follows a sourceMappingURL comment, so a FIFO named there cannot hang it", () => {
    const root = tree({
      "s.css": "a { background: url(a.png) }\n/*# sourceMappingURL=s.css.map */\n",
      "a.png": "A",
      "t.css": 'a { b: "open\n/*# sourceMappingURL=s.css.map */\n',
    });
    execFileSync("mkfifo", [join(root, "s.css.map")]);
    // In a child process: a read of the FIFO would block its whole thread, test runner included.
    const script = `
      const { createCacheBuster } = await import(${JSON.stringify(pathToFileURL(join(DIST, "index.js")).href)});
      const { cssTransformer } = await import(${JSON.stringify(pathToFileURL(join(DIST, "css.js")).href)});
      const buster = createCacheBuster({ root: ${JSON.stringify(root)}, transformers: [cssTransformer()] });
      console.log(buster.url("/s.css"));
      try { buster.url("/t.css"); } catch (e) { console.log(e.name); }`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.stdout.split("\n")).toEqual([expect.stringMatching(/^\/s\.css\?v=[0-9a-f]{10}$/), "CssSyntaxError", ""]);
  });
});
