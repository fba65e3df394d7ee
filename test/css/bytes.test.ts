import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rewriteCss } from "../../src/css/index.js";

const MARK = "~inserted~";

/** Pieces of real-world CSS: the rewrite may only add MARK after each local URL. */
const url = fc.constantFrom("a.png", "../img/b c.png", "f.woff2?#iefix", "icons.svg#home", "/x/y.gif?q=1");
const external = fc.constantFrom(
  "data:image/png;base64,AAAA",
  "https://cdn.example/a.png",
  "//cdn.example/b.png",
  "#frag",
);
const space = fc.constantFrom("", " ", "  ", "\n", "\r\n", "\t", " /* c */ ");
const quote = fc.constantFrom('"', "'", "");

const reference = fc.tuple(quote, url, space, space).map(([q, u, s1, s2]) => {
  const text = q === "" && u.includes(" ") ? u.replace(/ /g, "\\ ") : u;
  return { css: `url(${s1.trim() === "" ? s1 : ""}${q}${text}${q}${s2.trim() === "" ? s2 : ""})`, local: true };
});
const externalReference = fc.tuple(quote, external).map(([q, u]) => ({ css: `url(${q}${u}${q})`, local: false }));
const declaration = fc
  .tuple(
    fc.constantFrom("background", "src", "--bg", "mask-image", "BACKGROUND-IMAGE"),
    space,
    space,
    fc.array(fc.oneof(reference, externalReference), { minLength: 1, maxLength: 3 }),
    fc.boolean(),
  )
  .map(([prop, s1, s2, refs, important]) => ({
    css: `${prop}${s1}:${s2}${refs.map((r) => r.css).join(", ")}${important ? " !important" : ""}`,
    locals: refs.filter((r) => r.local).length,
  }));
const rule = fc
  .tuple(
    fc.constantFrom(".a", "body > p", "@media (min-width: 1px) { .b"),
    space,
    fc.array(declaration, { minLength: 1, maxLength: 3 }),
    fc.constantFrom(";", "; ", ";\r\n"),
  )
  .map(([sel, s, decls, sep]) => {
    const close = sel.startsWith("@media") ? "}}" : "}";
    return {
      css: `${sel}${s}{${decls.map((d) => d.css).join(sep)}${close}`,
      locals: decls.reduce((n, d) => n + d.locals, 0),
    };
  });
const sheet = fc
  .tuple(
    fc.array(rule, { minLength: 1, maxLength: 4 }),
    fc.constantFrom("", "/* url(not.png) */\n", '@import "base.css";\n'),
  )
  .map(([rules, head]) => ({
    css: head + rules.map((r) => r.css).join("\n"),
    locals: rules.reduce((n, r) => n + r.locals, 0) + (head.startsWith("@import") ? 1 : 0),
  }));

describe("rewriteCss on generated stylesheets", () => {
  it("changes nothing but the reference tokens", () => {
    fc.assert(
      fc.property(sheet, ({ css, locals }) => {
        let calls = 0;
        const out = rewriteCss(css, (ref) => {
          calls++;
          const at = ref.url.search(/[?#]/);
          return at < 0 ? ref.url + MARK : ref.url.slice(0, at) + MARK + ref.url.slice(at);
        });
        expect(calls).toBeGreaterThanOrEqual(locals);
        expect(out?.split(MARK).length ?? 1).toBe(calls + 1);
        expect((out ?? css).split(MARK).join("")).toBe(css);
      }),
      { numRuns: 300 },
    );
  });
});
