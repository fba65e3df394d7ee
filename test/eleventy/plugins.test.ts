import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { eleventyImageTransformPlugin } from "@11ty/eleventy-img";
import sharp from "sharp";
import cacheBust, { bundleTransform } from "../../adapters/eleventy.js";
import { build, cacheBustCause, messages, page, rejection, sha, site } from "./fixtures.js";

// The starter's other plugins, in real builds: eleventy-img's HTML transform and the bundle plugin.
const PNG = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#c33" } })
  .png()
  .toBuffer();

/** The `src` of every `<img>` in a page, and whether each names a file of the built site. */
function images(dir: string, html: string): Array<{ src: string; exists: boolean }> {
  return [...html.matchAll(/<img[^>]*\ssrc="([^"]+)"/g)].map(([, src]) => ({
    src: src as string,
    exists: fs.existsSync(join(dir, "_site", decodeURIComponent((src as string).split("?")[0] as string))),
  }));
}

describe("eleventy-img's HTML transform with the plugin", () => {
  for (const options of [{ mode: "query" }, { mode: "path" }, { mode: "query", auto: true }] as const) {
    test(`a busted image URL in Markdown becomes eleventy-img's own image, which exists (${JSON.stringify(options)})`, async () => {
      const dir = site({ "src/img/logo.png": PNG, "src/post.md": `![logo]({{ '/img/logo.png' | cache_bust }})\n` });
      await build(dir, (c) => {
        c.addPassthroughCopy("src/img");
        // eleventy-img remembers the directories it made by relative path, across builds of one process.
        c.addPlugin(eleventyImageTransformPlugin, {
          formats: ["png"],
          widths: ["auto"],
          outputDir: join(dir, "_site/img"),
          urlPath: "/img/",
        });
        c.addPlugin(cacheBust, options);
      });
      const found = images(dir, page(dir, "post/index.html"));
      expect([found.length, found.every((i) => i.exists && !i.src.includes("logo.png"))]).toEqual([1, true]);
    });
  }

  test("an image eleventy-img ignores keeps its busted URL", async () => {
    const dir = site({
      "src/img/logo.png": PNG,
      "src/index.njk": `<img src="{{ '/img/logo.png' | cache_bust }}" eleventy:ignore>`,
    });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/img");
      c.addPlugin(eleventyImageTransformPlugin, { formats: ["png"] });
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "index.html")).toBe(`<img src="/img/logo.png?v=${sha(PNG)}">`);
  });

  test("without eleventy-img, an <img> keeps its busted URL", async () => {
    const dir = site({ "src/img/logo.png": PNG, "src/index.njk": `<img src="{{ '/img/logo.png' | cache_bust }}">` });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/img");
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "index.html")).toBe(`<img src="/img/logo.png?v=${sha(PNG)}">`);
  });
});

// A programmatic config runs before Eleventy's defaults add `addBundle`; a plugin runs after them.
const bundles = (c: any) => c.addPlugin((cc: any) => cc.addBundle("css", { transforms: [bundleTransform(cc)] }));

describe("the bundle plugin with bundleTransform", () => {
  test("url() in a {% css %} bundle is busted when the bundle is inlined", async () => {
    const dir = site({
      "src/img/logo.png": PNG,
      "src/index.njk": `{% css %}h1 { background: url(/img/logo.png) }{% endcss %}<style>{% getBundle "css" %}</style>`,
    });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/img");
      c.addPlugin(cacheBust);
      bundles(c);
    });
    expect(page(dir, "index.html")).toBe(`<style>h1 { background: url(/img/logo.png?v=${sha(PNG)}) }</style>`);
  });

  test("a missing file in a bundle fails the build naming the page", async () => {
    const dir = site({
      "src/index.njk": `{% css %}h1 { background: url(/img/nope.png) }{% endcss %}<style>{% getBundle "css" %}</style>`,
    });
    const error = await rejection(
      build(dir, (c) => {
        c.addPlugin(cacheBust);
        bundles(c);
      }),
    );
    expect([
      cacheBustCause(error)?.code,
      /nope\.png.*the css bundle of \.\/src\/index\.njk/.test(messages(error)),
    ]).toEqual(["MISSING_FILE", true]);
  });
});
