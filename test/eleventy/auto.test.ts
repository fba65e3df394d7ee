import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, test, vi } from "vitest";
import cacheBust from "../../adapters/eleventy.js";
import { build, page, sha, site } from "./fixtures.js";

const CSS = "body { background: #123456 }\n";
const PNG = "not really a png\n";
const v = (s: string) => `v=${sha(s)}`;

function project(html: string, extra: Record<string, string> = {}): string {
  return site({ "src/css/site.css": CSS, "src/img/logo.png": PNG, "src/index.html": html, ...extra });
}

const auto = (c: any) => {
  c.addPassthroughCopy("src/css");
  c.addPassthroughCopy("src/img");
  c.addPlugin(cacheBust, { auto: true });
};

describe("auto: true", () => {
  test("busts a link's href and an image's src", async () => {
    const dir = project(`<link rel="stylesheet" href="/css/site.css"><img src="/img/logo.png">`);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(
      `<link rel="stylesheet" href="/css/site.css?${v(CSS)}"><img src="/img/logo.png?${v(PNG)}">`,
    );
  });

  test("busts each candidate of a srcset", async () => {
    const dir = project(`<img srcset="/img/logo.png 1x, img/logo.png 2x">`);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(`<img srcset="/img/logo.png?${v(PNG)} 1x, img/logo.png?${v(PNG)} 2x">`);
  });

  test("busts a video's poster", async () => {
    const dir = project(`<video poster="/img/logo.png"></video>`);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(`<video poster="/img/logo.png?${v(PNG)}"></video>`);
  });

  test("leaves page links, directories, external and missing URLs alone without a warning", async () => {
    const html = `<a href="/about/"></a><a href="/about/index.html"></a><a href="/css/"></a><a href="https://example.com/x.css"></a><img src="/img/nope.png"><a href="#top"></a>`;
    const dir = project(html, { "src/about.md": "---\npermalink: /about/\n---\nhi\n" });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      await build(dir, auto);
      // A second build, when /about/index.html exists in the output directory too.
      await build(dir, auto);
      expect([page(dir, "index.html"), warn.mock.calls.filter((c) => String(c[0]).includes("cache-id"))]).toEqual([
        html,
        [],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  test("gives a URL the filter already busted the same URL (no second ?v=)", async () => {
    const dir = project(`<link href="{{ '/css/site.css' | cache_bust }}">`);
    fs.renameSync(join(dir, "src/index.html"), join(dir, "src/index.njk"));
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?${v(CSS)}">`);
  });

  test("keeps an escaped query escaped and adds the hash to it", async () => {
    const dir = project(`<link rel="stylesheet" href="/css/site.css?a=1&amp;b=2">`);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(`<link rel="stylesheet" href="/css/site.css?a=1&amp;b=2&amp;${v(CSS)}">`);
  });

  test("replaces the hash of an escaped busted URL instead of adding another", async () => {
    const dir = project(`<link rel="stylesheet" href="/css/site.css?a=1&amp;v=0000000000">`);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(`<link rel="stylesheet" href="/css/site.css?a=1&amp;${v(CSS)}">`);
  });

  test("busts before HtmlBasePlugin adds the pathPrefix", async () => {
    const dir = project(`<img src="/img/logo.png">`);
    const { HtmlBasePlugin } = await import("@11ty/eleventy");
    await build(
      dir,
      (c) => {
        c.addPlugin(HtmlBasePlugin);
        auto(c);
      },
      { pathPrefix: "/docs/" },
    );
    expect(page(dir, "index.html")).toBe(`<img src="/docs/img/logo.png?${v(PNG)}">`);
  });

  test("is off by default", async () => {
    const dir = project(`<img src="/img/logo.png">`);
    await build(dir, (c) => c.addPlugin(cacheBust));
    expect(page(dir, "index.html")).toBe(`<img src="/img/logo.png">`);
  });
});

describe("auto: true, with the CLI's HTML rules", () => {
  test("leaves a page link to a file alone, as the CLI does", async () => {
    const html = `<a href="/img/logo.png">logo</a><iframe src="/img/logo.png"></iframe><link rel="canonical" href="/img/logo.png">`;
    const dir = project(html);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(html);
  });

  test("busts url() in a style attribute", async () => {
    const dir = project(`<div style="background: url(/img/logo.png)"></div>`);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(`<div style="background: url(/img/logo.png?${v(PNG)})"></div>`);
  });

  test("busts url() in a <style> element", async () => {
    const dir = project(`<style>.a { background: url("/img/logo.png") }</style>`);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(`<style>.a { background: url("/img/logo.png?${v(PNG)}") }</style>`);
  });

  test("busts lazy-load attributes and leaves a fetch preload alone", async () => {
    const html = `<img data-src="/img/logo.png" data-srcset="/img/logo.png 2x"><link rel="preload" as="fetch" href="/img/logo.png">`;
    const dir = project(html);
    await build(dir, auto);
    expect(page(dir, "index.html")).toBe(
      `<img data-src="/img/logo.png?${v(PNG)}" data-srcset="/img/logo.png?${v(PNG)} 2x"><link rel="preload" as="fetch" href="/img/logo.png">`,
    );
  });
});
