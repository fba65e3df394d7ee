import { describe, expect, it } from "vitest";
import { decodeWithMap } from "../../src/html/attribute.js";
import { rewriteHtml } from "../../src/html/rewrite.js";
import { srcsetUrls } from "../../src/html/srcset.js";

const tag = (url: string) => `${url}?v=1`;
const rewrite = (html: string, bust: (url: string) => string | undefined = tag) =>
  rewriteHtml(html, {
    bustFor: () => (url) => bust(url),
    onCssError: (e) => {
      throw e;
    },
  }) ?? html;

describe("srcsetUrls", () => {
  const urls = (value: string) => srcsetUrls(value).map(({ start, end }) => value.slice(start, end));

  it("finds each candidate's URL with or without descriptors", () => {
    expect(urls(" a.png 1x,b.png  2x , c.png")).toEqual(["a.png", "b.png", "c.png"]);
  });

  it("keeps commas inside a URL and drops the ones that end it", () => {
    expect(urls("a,1.png 1x, b.png,, c.png")).toEqual(["a,1.png", "b.png", "c.png"]);
  });

  it("skips commas inside a descriptor's parentheses", () => {
    expect(urls("a.png (x, y) 1x, b.png 2x")).toEqual(["a.png", "b.png"]);
  });
});

describe("decodeWithMap", () => {
  it("maps every decoded character back to its reference", () => {
    expect(decodeWithMap("a&amp;b&#x2F;c\r\nd", "a&b/c\nd")).toEqual({
      value: "a&b/c\nd",
      map: [0, 1, 6, 7, 13, 14, 16, 17],
    });
  });

  it("gives up on a value it would read differently from the parser", () => {
    expect(decodeWithMap("&copy2024", "\u00a92024")).toBeUndefined();
  });
});

describe("rewriteHtml", () => {
  it("leaves an attribute with an unusual character reference as written and says where", () => {
    const html = '<p>\n<img src="a&copy.png">';
    const told: number[] = [];
    const out = rewriteHtml(html, {
      bustFor: () => tag,
      onCssError: () => {},
      onUnreadableValue: (offset) => told.push(offset),
    });
    expect(out).toBeUndefined();
    expect(told).toEqual([html.indexOf("a&copy")]);
  });

  it("keeps a byte order mark and CR LF inside a value", () => {
    expect(rewrite('\uFEFF<img srcset="a.png 1x,\r\n b.png 2x">')).toBe(
      '\uFEFF<img srcset="a.png?v=1 1x,\r\n b.png?v=1 2x">',
    );
  });

  it("rewrites only the URL inside an attribute with character references", () => {
    expect(rewrite('<img src="&#x2F;a.png">', (u) => `${u}?v=1`)).toBe('<img src="&#x2F;a.png?v=1">');
  });

  it("escapes a quote in the new URL for the attribute's quoting", () => {
    expect(rewrite("<img src='a.png'>", () => "a'b.png")).toBe("<img src='a&#39;b.png'>");
  });

  it("busts href and xlink:href of SVG use but not of SVG a", () => {
    const html = '<svg><use href="i.svg#a"/><use xlink:href="i.svg#b"/><a href="x.svg">x</a></svg>';
    expect(rewrite(html, (u) => u.replace("#", "?v=1#"))).toBe(
      '<svg><use href="i.svg?v=1#a"/><use xlink:href="i.svg?v=1#b"/><a href="x.svg">x</a></svg>',
    );
  });

  it("busts @import and url() in a <style> element, keeping the rest", () => {
    expect(rewrite('<style>@import "a.css";\n p { color: red }</style>')).toBe(
      '<style>@import "a.css?v=1";\n p { color: red }</style>',
    );
  });

  it("finds no URL in a <script> or a comment", () => {
    const html = '<script>const s = "<img src=\\"a.png\\">";</script><!-- <img src="b.png"> -->';
    expect(rewrite(html)).toBe(html);
  });
});
