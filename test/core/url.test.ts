import { describe, expect, it } from "vitest";
import { CacheBustError, createCacheBuster } from "../../src/index.js";
import { baseDirectory, resolveUrlPath, setQueryParam, splitUrl } from "../../src/core/url.js";
import { sha, site } from "./fixtures.js";

const A = "body { color: red }\n";
const CAR = "not really a jpeg";
const h = { a: sha(A), car: sha(CAR) };

function fixture() {
  return site({ "a.css": A, "img/car.jpg": CAR, "img/my car.jpg": CAR, "img/50%.jpg": CAR, "img/ü.jpg": CAR });
}

describe("busting URLs in query mode", () => {
  const cases: Array<[string, string | undefined, string]> = [
    ["/a.css", undefined, `/a.css?v=${h.a}`],
    ["/a.css?x=1#top", undefined, `/a.css?x=1&v=${h.a}#top`],
    ["/a.css?v=old", undefined, `/a.css?v=${h.a}`],
    ["/a.css?v=old&x=1&v=again", undefined, `/a.css?v=${h.a}&x=1`],
    ["/a.css?x=1&v=old#f", undefined, `/a.css?x=1&v=${h.a}#f`],
    ["/a.css?", undefined, `/a.css?v=${h.a}`],
    ["/a.css#", undefined, `/a.css?v=${h.a}#`],
    ["/a.css?x&&y=2", undefined, `/a.css?x&&y=2&v=${h.a}`],
    ["/img/car.jpg", undefined, `/img/car.jpg?v=${h.car}`],
    ["/img/my%20car.jpg", undefined, `/img/my%20car.jpg?v=${h.car}`],
    ["/img/my car.jpg", undefined, `/img/my car.jpg?v=${h.car}`],
    ["/img/50%25.jpg", undefined, `/img/50%25.jpg?v=${h.car}`],
    ["/img/%C3%BC.jpg", undefined, `/img/%C3%BC.jpg?v=${h.car}`],
    ["/img/ü.jpg", undefined, `/img/ü.jpg?v=${h.car}`],
    ["/img/./car.jpg", undefined, `/img/./car.jpg?v=${h.car}`],
    ["/img/../img/car.jpg", undefined, `/img/../img/car.jpg?v=${h.car}`],
    ["/img/%2e%2e/a.css", undefined, `/img/%2e%2e/a.css?v=${h.a}`],
    ["car.jpg", "/img/page.html", `car.jpg?v=${h.car}`],
    ["./car.jpg?x=1", "/img/", `./car.jpg?x=1&v=${h.car}`],
    ["../a.css", "/img/page.html?q#f", `../a.css?v=${h.a}`],
    ["img/car.jpg", undefined, `img/car.jpg?v=${h.car}`],
    ["a.css", "https://example.com/page.html", `a.css?v=${h.a}`],
    ["car.jpg", "//example.com/img/x", `car.jpg?v=${h.car}`],
    ["  /a.css  ", undefined, `  /a.css?v=${h.a}  `],
    ["\\img\\car.jpg", undefined, `\\img\\car.jpg?v=${h.car}`],
  ];
  it.each(cases)("busts %j (from %j) as %j", (url, from, expected) => {
    const buster = createCacheBuster({ root: fixture() });
    expect(buster.url(url, from)).toBe(expected);
  });

  it.each(cases)("gives the same URL when %j is busted twice", (url, from) => {
    const buster = createCacheBuster({ root: fixture() });
    const once = buster.url(url, from);
    expect(buster.url(once, from)).toBe(once);
  });
});

describe("URLs left exactly as given", () => {
  const untouched = [
    "https://cdn.example.com/a.css",
    "HTTP://x/a.css",
    "data:image/png;base64,AAAA",
    "mailto:someone@example.com",
    "javascript:void(0)",
    "tel:+123",
    "//cdn.example.com/a.css",
    "/\\evil.example/a.css",
    "\\\\evil.example\\a.css",
    "#top",
    "?x=1",
    "",
    "   ",
  ];
  it.each(untouched)("leaves %j alone and does not hash it", (url) => {
    const buster = createCacheBuster({ root: fixture() });
    expect(buster.url(url)).toBe(url);
    expect(buster.hash(url)).toBeUndefined();
    expect(buster.stats().hashed).toBe(0);
  });
});

describe("bad URLs", () => {
  const bad: Array<[unknown, string]> = [
    ["/../a.css", "OUTSIDE_ROOT"],
    ["/img/../../a.css", "OUTSIDE_ROOT"],
    ["/%2e%2e/a.css", "OUTSIDE_ROOT"],
    ["/%2E%2E/a.css", "OUTSIDE_ROOT"],
    ["/img%2f..%2f..%2fa.css", "OUTSIDE_ROOT"],
    ["/img/..%5c..%5ca.css", "OUTSIDE_ROOT"],
    ["/..\\a.css", "OUTSIDE_ROOT"],
    ["../../../etc/passwd", "OUTSIDE_ROOT"],
    ["/a%zz.css", "BAD_URL"],
    ["/a%.css", "BAD_URL"],
    ["/a%00.css", "BAD_URL"],
    ["/a\u0000.css", "BAD_URL"],
    [`/${"a".repeat(10_000)}.css`, "BAD_URL"],
    ["/nope.css", "MISSING_FILE"],
    ["/img", "NOT_A_FILE"],
    ["/img/", "NOT_A_FILE"],
    ["/", "NOT_A_FILE"],
    [undefined, "BAD_ARGUMENT"],
    [null, "BAD_ARGUMENT"],
    [42, "BAD_ARGUMENT"],
    [{ toString: () => "/a.css" }, "BAD_ARGUMENT"],
  ];
  it.each(bad)("rejects %j with %s", (url, code) => {
    const buster = createCacheBuster({ root: fixture() });
    let caught: unknown;
    try {
      buster.url(url as string);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheBustError);
    expect((caught as CacheBustError).code).toBe(code);
  });

  it("names the URL and the file tried in a missing-file message", () => {
    const root = fixture();
    const buster = createCacheBuster({ root });
    expect(() => buster.url("/css/nope.css")).toThrow(`"/css/nope.css"`);
    expect(() => buster.url("/css/nope.css")).toThrow(`${root}/css/nope.css`);
  });

  it("names the URL and the path it would read when a URL leaves the root", () => {
    const root = fixture();
    const buster = createCacheBuster({ root });
    expect(() => buster.url("/img/../../secret.txt")).toThrow(/"\/img\/\.\.\/\.\.\/secret\.txt".*would read/);
  });

  it("rejects a non-string page URL", () => {
    const buster = createCacheBuster({ root: fixture() });
    expect(() => buster.url("a.css", 7 as unknown as string)).toThrow(
      expect.objectContaining({ code: "BAD_ARGUMENT" }),
    );
  });
});

describe("URL helpers", () => {
  it("splits a URL keeping every part as written", () => {
    expect(splitUrl("/a%20b.css?x=1&y#f?g")).toEqual({
      lead: "",
      path: "/a%20b.css",
      query: "x=1&y",
      fragment: "f?g",
      trail: "",
    });
  });

  it.each([
    [undefined, "/"],
    ["", "/"],
    ["/blog/post/", "/blog/post/"],
    ["/blog/post.html?x=/y#z/w", "/blog/"],
    ["https://example.com/a/b.html", "/a/"],
    ["https://example.com", "/"],
    ["blog/x", "/blog/"],
  ])("takes the base directory of page %j as %j", (from, base) => {
    expect(baseDirectory(from)).toBe(base);
  });

  it("resolves dot segments lexically and keeps a trailing slash", () => {
    expect(resolveUrlPath("../b/./c/", "/a/x/", "u")).toBe("/a/b/c/");
  });

  it("replaces a percent-encoded spelling of the parameter", () => {
    expect(setQueryParam("%76=old&x=1", "v", "new")).toBe("v=new&x=1");
  });
});
