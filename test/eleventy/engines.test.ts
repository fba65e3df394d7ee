import { describe, expect, test } from "vitest";
import handlebarsPlugin from "@11ty/eleventy-plugin-handlebars";
import handlebars from "handlebars";
import cacheBust from "../../adapters/eleventy.js";
import { build, page, sha, site } from "./fixtures.js";

const CSS = "body { background: #123456 }\n";
const v = `v=${sha(CSS)}`;

function project(pages: Record<string, string>): string {
  return site({ "src/css/site.css": CSS, ...pages });
}

// A fresh Handlebars environment per build: helpers registered on the shared one would leak between tests.
const hbs = () => ({ eleventyLibraryOverride: handlebars.create() });

const withAssets =
  (extra: (c: any) => void = () => {}) =>
  (c: any) => {
    c.addPassthroughCopy("src/css");
    extra(c);
  };

describe("the cache_bust filter in each template language", () => {
  test("a Nunjucks page gets the URL with the file's content hash", async () => {
    const dir = project({ "src/index.njk": `<link href="{{ '/css/site.css' | cache_bust }}">` });
    await build(
      dir,
      withAssets((c) => c.addPlugin(cacheBust)),
    );
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?${v}">`);
  });

  test("a Liquid page gets the URL with the file's content hash", async () => {
    const dir = project({ "src/index.liquid": `<link href="{{ '/css/site.css' | cache_bust }}">` });
    await build(
      dir,
      withAssets((c) => c.addPlugin(cacheBust)),
    );
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?${v}">`);
  });

  test("a Liquid page with strictVariables still resolves relative URLs against its page", async () => {
    const dir = project({ "src/blog/post.liquid": `<link href="{{ '../../css/site.css' | cache_bust }}">` });
    await build(
      dir,
      withAssets((c) => {
        c.setLiquidOptions({ strictVariables: true });
        c.addPlugin(cacheBust);
      }),
    );
    expect(page(dir, "blog/post/index.html")).toBe(`<link href="../../css/site.css?${v}">`);
  });

  test("a Liquid {% render %} partial, which has no page, busts a root-relative URL", async () => {
    const dir = project({
      "src/_includes/head.liquid": `<link href="{{ '/css/site.css' | cache_bust }}">`,
      "src/blog/post.liquid": `{% render "head.liquid" %}`,
    });
    await build(
      dir,
      withAssets((c) => c.addPlugin(cacheBust)),
    );
    expect(page(dir, "blog/post/index.html")).toBe(`<link href="/css/site.css?${v}">`);
  });

  test("an 11ty.js template calls the filter as this.cache_bust", async () => {
    const dir = project({
      "src/index.11ty.js":
        "export default class { render() { return `<link href=\"${this.cache_bust('/css/site.css')}\">`; } }\n",
    });
    await build(
      dir,
      withAssets((c) => c.addPlugin(cacheBust)),
    );
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?${v}">`);
  });

  test("a Handlebars page gets the helper when the Handlebars plugin is added first", async () => {
    const dir = project({ "src/index.hbs": `<link href="{{cache_bust "/css/site.css"}}">` });
    await build(
      dir,
      withAssets((c) => {
        c.addPlugin(handlebarsPlugin, hbs());
        c.addPlugin(cacheBust);
      }),
    );
    // Handlebars escapes "=" as &#x3D;, which the browser reads back as "=".
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?v&#x3D;${sha(CSS)}">`);
  });

  test("a Handlebars page gets the helper when the Handlebars plugin is added last", async () => {
    const dir = project({ "src/index.hbs": `<link href="{{cache_bust "/css/site.css"}}">` });
    await build(
      dir,
      withAssets((c) => {
        c.addPlugin(cacheBust);
        c.addPlugin(handlebarsPlugin, hbs());
      }),
    );
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?v&#x3D;${sha(CSS)}">`);
  });

  test("a Handlebars helper inside an #each block resolves a relative URL against the page", async () => {
    const dir = project({
      "src/blog/post.hbs": `---\nitems: [1, 2]\n---\n{{#each items}}<link href="{{cache_bust "../../css/site.css"}}">{{/each}}`,
    });
    await build(
      dir,
      withAssets((c) => {
        c.addPlugin(handlebarsPlugin, hbs());
        c.addPlugin(cacheBust);
      }),
    );
    const link = `<link href="../../css/site.css?v&#x3D;${sha(CSS)}">`;
    expect(page(dir, "blog/post/index.html")).toBe(link + link);
  });

  test("a Handlebars partial gets the helper too", async () => {
    const dir = project({
      "src/_includes/head.hbs": `<link href="{{cache_bust "/css/site.css"}}">`,
      "src/index.hbs": `{{> head}}`,
    });
    await build(
      dir,
      withAssets((c) => {
        c.addPlugin(handlebarsPlugin, hbs());
        c.addPlugin(cacheBust);
      }),
    );
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?v&#x3D;${sha(CSS)}">`);
  });

  test("the integrity filter gives the file's sha384 Subresource Integrity value", async () => {
    const dir = project({ "src/index.njk": `{{ '/css/site.css' | integrity }}` });
    await build(
      dir,
      withAssets((c) => c.addPlugin(cacheBust)),
    );
    const { createHash } = await import("node:crypto");
    expect(page(dir, "index.html")).toBe(`sha384-${createHash("sha384").update(CSS).digest("base64")}`);
  });

  test("the filter can be registered under another name", async () => {
    const dir = project({ "src/index.njk": `{{ '/css/site.css' | bust }}` });
    await build(
      dir,
      withAssets((c) => c.addPlugin(cacheBust, { filterName: "bust" })),
    );
    expect(page(dir, "index.html")).toBe(`/css/site.css?${v}`);
  });
});
