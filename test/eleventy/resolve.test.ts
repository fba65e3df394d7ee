import { describe, expect, test } from "vitest";
import cacheBust from "../../adapters/eleventy.js";
import { createCacheBuster } from "../../src/index.js";
import { build, cacheBustCause, messages, page, rejection, sha, site } from "./fixtures.js";

const CSS = "body { background: #123456 }\n";
const JS = "console.log(1)\n";

describe("where the Eleventy plugin finds a URL's file", () => {
  test("a passthrough mapping object maps its target URL to its source folder", async () => {
    const dir = site({ "assets/app.js": JS, "src/index.njk": `{{ '/static/app.js' | cache_bust }}` });
    await build(dir, (c) => {
      c.addPassthroughCopy({ assets: "static" });
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "index.html")).toBe(`/static/app.js?v=${sha(JS)}`);
  });

  test("a mapping to the site root serves its files at /", async () => {
    const dir = site({ "public/app.js": JS, "src/index.njk": `{{ '/app.js' | cache_bust }}` });
    await build(dir, (c) => {
      c.addPassthroughCopy({ public: "/" });
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "index.html")).toBe(`/app.js?v=${sha(JS)}`);
  });

  test("a file in the input directory is found through the passthrough copy that publishes it", async () => {
    const dir = site({ "src/css/site.css": CSS, "src/index.njk": `{{ '/css/site.css' | cache_bust }}` });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/css");
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "index.html")).toBe(`/css/site.css?v=${sha(CSS)}`);
  });

  test("a passthrough mapping comes before the input directory", async () => {
    const dir = site({
      "assets/site.css": CSS,
      "src/css/site.css": "other\n",
      "src/index.njk": `{{ '/css/site.css' | cache_bust }}`,
    });
    await build(dir, (c) => {
      c.addPassthroughCopy({ assets: "css" });
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "index.html")).toBe(`/css/site.css?v=${sha(CSS)}`);
  });

  test("a file that only exists in the output directory is found there", async () => {
    const dir = site({ "_site/bundle.js": JS, "src/index.njk": `{{ '/bundle.js' | cache_bust }}` });
    await build(dir, (c) => c.addPlugin(cacheBust));
    expect(page(dir, "index.html")).toBe(`/bundle.js?v=${sha(JS)}`);
  });

  test("a page-relative URL resolves against page.url and stays relative", async () => {
    const dir = site({ "src/css/site.css": CSS, "src/blog/post.njk": `{{ '../../css/site.css' | cache_bust }}` });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/css");
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "blog/post/index.html")).toBe(`../../css/site.css?v=${sha(CSS)}`);
  });

  test("a URL carrying the pathPrefix from the url filter keeps it", async () => {
    const dir = site({ "src/css/site.css": CSS, "src/index.njk": `{{ '/css/site.css' | url | cache_bust }}` });
    await build(
      dir,
      (c) => {
        c.addPassthroughCopy("src/css");
        c.addPlugin(cacheBust);
      },
      { pathPrefix: "/docs/" },
    );
    expect(page(dir, "index.html")).toBe(`/docs/css/site.css?v=${sha(CSS)}`);
  });

  test("given root, only that directory is searched", async () => {
    const dir = site({
      "public/site.css": CSS,
      "src/site.css": "other\n",
      "src/index.njk": `{{ '/site.css' | cache_bust }}`,
    });
    await build(dir, (c) => c.addPlugin(cacheBust, { root: "public" }));
    expect(page(dir, "index.html")).toBe(`/site.css?v=${sha(CSS)}`);
  });

  test("a CacheBuster handed in is the one the filters use", async () => {
    const dir = site({ "public/site.css": CSS, "src/index.njk": `{{ '/site.css' | cache_bust }}` });
    const buster = createCacheBuster({ root: `${dir}/public`, param: "h" });
    await build(dir, (c) => c.addPlugin(cacheBust, buster));
    expect([page(dir, "index.html"), Object.keys(buster.manifest())]).toEqual([
      `/site.css?h=${sha(CSS)}`,
      ["/site.css"],
    ]);
  });
});

describe("a URL whose file is missing", () => {
  test("fails the build with a message naming the template and the URL", async () => {
    const dir = site({ "src/blog/post.njk": `{{ '/css/nope.css' | cache_bust }}` });
    const error = await rejection(build(dir, (c) => c.addPlugin(cacheBust)));
    expect(messages(error)).toMatch(/"\/css\/nope\.css".*\(in template \.\/src\/blog\/post\.njk\)/);
  });

  test("fails with the MISSING_FILE code", async () => {
    const dir = site({ "src/index.njk": `{{ '/css/nope.css' | cache_bust }}` });
    const error = await rejection(build(dir, (c) => c.addPlugin(cacheBust)));
    expect(cacheBustCause(error)?.code).toBe("MISSING_FILE");
  });

  test('is left as written with missing: "ignore"', async () => {
    const dir = site({ "src/index.njk": `{{ '/css/nope.css' | cache_bust }}` });
    await build(dir, (c) => c.addPlugin(cacheBust, { missing: "ignore" }));
    expect(page(dir, "index.html")).toBe("/css/nope.css");
  });

  test('that leaves the site is an error even with missing: "ignore"', async () => {
    const dir = site({ "secret.txt": "x", "src/index.njk": `{{ '/../secret.txt' | cache_bust }}` });
    const error = await rejection(build(dir, (c) => c.addPlugin(cacheBust, { missing: "ignore" })));
    expect(cacheBustCause(error)?.code).toBe("OUTSIDE_ROOT");
  });
});

describe("filter arguments", () => {
  test("an argument the filter does not take fails instead of being ignored", async () => {
    const dir = site({ "src/css/site.css": CSS, "src/index.njk": `{{ '/css/site.css' | cache_bust(colour="h") }}` });
    const error = await rejection(build(dir, (c) => c.addPlugin(cacheBust)));
    expect(cacheBustCause(error)?.code).toBe("BAD_ARGUMENT");
  });

  test("integrity takes another algorithm as its argument", async () => {
    const dir = site({ "src/app.js": JS, "src/index.njk": `{{ '/app.js' | integrity('sha512') }}` });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/app.js");
      c.addPlugin(cacheBust);
    });
    const { createHash } = await import("node:crypto");
    expect(page(dir, "index.html")).toBe(`sha512-${createHash("sha512").update(JS).digest("base64")}`);
  });
});
