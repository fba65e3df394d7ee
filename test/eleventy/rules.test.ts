import { describe, expect, test } from "vitest";
import handlebarsPlugin from "@11ty/eleventy-plugin-handlebars";
import { HtmlBasePlugin } from "@11ty/eleventy";
import handlebars from "handlebars";
import cacheBust from "../../adapters/eleventy.js";
import { build, cacheBustCause, page, rejection, sha, site } from "./fixtures.js";

// Under Eleventy the filters follow the engine adapters' rules: the same named arguments, the
// same escaping, the same custom delimiters.
const CSS = "body { background: #123456 }\n";
const h = sha(CSS);
const ATTACK = `/css/site.css?x="><script>`;
const ESCAPED = `/css/site.css?x=&#34;&gt;&lt;script&gt;&amp;v=${h}`;

const project = (pages: Record<string, string>) => site({ "src/css/site.css": CSS, ...pages });
const withAssets = (extra: (c: any) => void) => (c: any) => {
  c.addPassthroughCopy("src/css");
  extra(c);
};
const plugin = (options?: object) => withAssets((c) => c.addPlugin(cacheBust, options));

describe("escaping under Eleventy", () => {
  test("a Liquid page cannot be broken out of an attribute by the URL", async () => {
    const dir = project({ "src/index.liquid": `<link href="{{ '${ATTACK}' | cache_bust }}">` });
    await build(dir, plugin());
    expect(page(dir, "index.html")).toBe(`<link href="${ESCAPED}">`);
  });

  test("an 11ty.js template cannot be broken out of an attribute by the URL", async () => {
    const dir = project({
      "src/index.11ty.cjs": `module.exports = function () { return '<link href="' + this.cache_bust(${JSON.stringify(ATTACK)}) + '">'; };\n`,
    });
    await build(dir, plugin());
    expect(page(dir, "index.html")).toBe(`<link href="${ESCAPED}">`);
  });

  test("a Nunjucks page escapes the URL once", async () => {
    const dir = project({ "src/index.njk": `<link href="{{ '${ATTACK}' | cache_bust }}">` });
    await build(dir, plugin());
    // Nunjucks' own escape writes a quote as &quot;.
    expect(page(dir, "index.html")).toBe(`<link href="${ESCAPED.replace("&#34;", "&quot;")}">`);
  });

  test("a Liquid page with outputEscape set escapes the URL once", async () => {
    const dir = project({ "src/index.liquid": `<link href="{{ '${ATTACK}' | cache_bust }}">` });
    await build(
      dir,
      withAssets((c) => {
        c.setLiquidOptions({ outputEscape: "escape" });
        c.addPlugin(cacheBust);
      }),
    );
    expect(page(dir, "index.html")).toBe(`<link href="${ESCAPED}">`);
  });

  test("a Liquid page that adds | escape_once after the filter gets the URL escaped once", async () => {
    const dir = project({ "src/index.liquid": `<link href="{{ '${ATTACK}' | cache_bust | escape_once }}">` });
    await build(dir, plugin());
    expect(page(dir, "index.html")).toBe(`<link href="${ESCAPED}">`);
  });
});

describe("named arguments under Eleventy", () => {
  test("Nunjucks takes param as a keyword argument", async () => {
    const dir = project({ "src/index.njk": `{{ '/css/site.css' | cache_bust(param='h') }}` });
    await build(dir, plugin());
    expect(page(dir, "index.html")).toBe(`/css/site.css?h=${h}`);
  });

  test("Liquid takes param as a named argument", async () => {
    const dir = project({ "src/index.liquid": `{{ '/css/site.css' | cache_bust: param: 'h' }}` });
    await build(dir, plugin());
    expect(page(dir, "index.html")).toBe(`/css/site.css?h=${h}`);
  });

  test("Handlebars takes param as a hash argument", async () => {
    const dir = project({ "src/index.hbs": `{{cache_bust "/css/site.css" param="h"}}` });
    await build(
      dir,
      withAssets((c) => {
        c.addPlugin(handlebarsPlugin, { eleventyLibraryOverride: handlebars.create() });
        c.addPlugin(cacheBust);
      }),
    );
    expect(page(dir, "index.html")).toBe(`/css/site.css?h&#x3D;${h}`);
  });

  test("11ty.js takes param in an options object", async () => {
    const dir = project({
      "src/index.11ty.cjs": `module.exports = function () { return this.cache_bust("/css/site.css", { param: "h" }); };\n`,
    });
    await build(dir, plugin());
    expect(page(dir, "index.html")).toBe(`/css/site.css?h=${h}`);
  });

  test("missing='ignore' on one call leaves that missing URL alone in a build", async () => {
    const dir = project({ "src/index.njk": `{{ '/css/nope.css' | cache_bust(missing='ignore') }}` });
    await build(dir, plugin());
    expect(page(dir, "index.html")).toBe(`/css/nope.css`);
  });

  test("from resolves a relative URL against another page URL", async () => {
    const dir = project({ "src/index.liquid": `{{ 'site.css' | cache_bust: from: '/css/' }}` });
    await build(dir, plugin());
    expect(page(dir, "index.html")).toBe(`site.css?v=${h}`);
  });
});

describe("custom delimiters under Eleventy", () => {
  test("Nunjucks with << >> tags busts << '/css/site.css' | cache_bust >>", async () => {
    const dir = project({ "src/index.njk": `<link href="<< '/css/site.css' | cache_bust >>">` });
    await build(
      dir,
      withAssets((c) => {
        c.setNunjucksEnvironmentOptions({ tags: { variableStart: "<<", variableEnd: ">>" } });
        c.addPlugin(cacheBust);
      }),
    );
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?v=${h}">`);
  });

  test("Liquid with << >> output delimiters busts << '/css/site.css' | cache_bust >>", async () => {
    const dir = project({ "src/index.liquid": `<link href="<< '/css/site.css' | cache_bust >>">` });
    await build(
      dir,
      withAssets((c) => {
        c.setLiquidOptions({ outputDelimiterLeft: "<<", outputDelimiterRight: ">>" });
        c.addPlugin(cacheBust);
      }),
    );
    expect(page(dir, "index.html")).toBe(`<link href="/css/site.css?v=${h}">`);
  });
});

describe("pathPrefix", () => {
  test("with HtmlBasePlugin the filter alone gives one prefix", async () => {
    const dir = project({ "src/index.njk": `<link href="{{ '/css/site.css' | cache_bust }}">` });
    await build(
      dir,
      withAssets((c) => {
        c.addPlugin(HtmlBasePlugin);
        c.addPlugin(cacheBust);
      }),
      { pathPrefix: "/pp/" },
    );
    expect(page(dir, "index.html")).toBe(`<link href="/pp/css/site.css?v=${h}">`);
  });

  test("without HtmlBasePlugin, url before cache_bust gives one prefix", async () => {
    const dir = project({ "src/index.njk": `<link href="{{ '/css/site.css' | url | cache_bust }}">` });
    await build(dir, plugin(), { pathPrefix: "/pp/" });
    expect(page(dir, "index.html")).toBe(`<link href="/pp/css/site.css?v=${h}">`);
  });
});

describe("adding the plugin", () => {
  test("twice is a BAD_ARGUMENT error naming both calls' options", async () => {
    const dir = project({ "src/index.njk": `x` });
    const error = await rejection(
      build(
        dir,
        withAssets((c) => {
          c.addPlugin(cacheBust, { param: "a" });
          c.addPlugin(cacheBust, { param: "b" });
        }),
      ),
    );
    const cause = cacheBustCause(error);
    expect([cause?.code, /"param":"a".*"param":"b"/.test(String(cause?.message))]).toEqual(["BAD_ARGUMENT", true]);
  });
});
