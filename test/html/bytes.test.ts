import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { rewriteHtml } from "../../src/html/rewrite.js";

const MARK = "~inserted~";
const bust = (url: string) => {
  const at = url.search(/[?#]/);
  return at < 0 ? url + MARK : url.slice(0, at) + MARK + url.slice(at);
};

const url = fc.constantFrom("a.png", "/img/b.png", "c.png?x=1&amp;y=2", "../d.svg#i", "&#x2F;e.png");
const quoted = fc.tuple(fc.constantFrom('"', "'"), url).map(([q, u]) => `${q}${u}${q}`);
const value = fc.oneof(quoted, url);
const space = fc.constantFrom(" ", "  ", "\n", "\r\n ", "\t");

/** Elements whose `data-src` a lazy-loading script swaps in, so it is busted too. */
const LAZY = new Set(["img", "source", "video"]);

/** An element with one busted attribute (counted), a lazy-load one (counted where it counts) and some never busted. */
const asset = fc
  .tuple(
    fc.constantFrom("img src", "script src", "video poster", 'link rel="stylesheet" href', "source src"),
    space,
    value,
    fc.constantFrom("", ' alt="x &amp; y"', " data-src=a.png"),
  )
  .map(([tagAttr, s, v, extra]) => {
    const [tag, ...rest] = tagAttr.split(" ");
    const attr = rest.join(" ");
    const lazy = extra.includes("data-src") && LAZY.has(tag as string) ? 1 : 0;
    return { html: `<${tag}${s}${attr}=${v}${extra}>${tag === "script" ? "</script>" : ""}`, marks: 1 + lazy };
  });
const srcset = fc.tuple(url, url, space).map(([a, b, s]) => ({ html: `<img srcset="${a} 1x,${s}${b} 2x">`, marks: 2 }));
const link = fc
  .tuple(
    fc.constantFrom(["a", 'href="a.png"'], ["iframe", 'src="a.png"'], ["link", 'rel="canonical" href="/a.png"']),
    space,
  )
  .map(([[tag, attrs], s]) => ({
    html: `<${tag} ${attrs}${s}>${tag === "link" ? "" : `</${tag}>`}`,
    marks: 0,
  }));
const text = fc
  .constantFrom("", "text", "\r\n", "<!-- <img src=x.png> -->", "<p>p</p>", "&amp; &lt;")
  .map((html) => ({ html, marks: 0 }));
const doc = fc
  .tuple(
    fc.constantFrom("", "<!DOCTYPE html>\r\n", "\uFEFF<!doctype html>\n"),
    fc.array(fc.oneof(asset, srcset, link, text), { maxLength: 8 }),
  )
  .map(([head, parts]) => ({
    html: head + parts.map((p) => p.html).join(""),
    marks: parts.reduce((n, p) => n + p.marks, 0),
  }));

describe("rewriteHtml on generated pages", () => {
  it("changes nothing but the URLs of resource attributes", () => {
    fc.assert(
      fc.property(doc, ({ html, marks }) => {
        const out =
          rewriteHtml(html, {
            bustFor: () => bust,
            onCssError: (e) => {
              throw e;
            },
          }) ?? html;
        expect(out.split(MARK).length - 1).toBe(marks);
        // Quoting an unquoted value is the one other change allowed; the mark has no character that needs it.
        expect(out.split(MARK).join("")).toBe(html);
      }),
      { numRuns: 300 },
    );
  });
});
