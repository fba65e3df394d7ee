import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import cacheBust from "../../adapters/eleventy.js";
import { build, cacheBustCause, eleventy, messages, page, rejection, sha, site } from "./fixtures.js";

const JS = "console.log(1)\n";
const PNG = "not really a png\n";
const PNG2 = "not really a png, changed\n";
const CSS = `h1 { background: url("../img/logo.png") }\n`;

function project(extra: Record<string, string> = {}): string {
  return site({ "src/css/site.css": CSS, "src/img/logo.png": PNG, "src/js/app.js": JS, ...extra });
}

const copies = (c: any) => {
  c.addPassthroughCopy("src/css");
  c.addPassthroughCopy("src/img");
  c.addPassthroughCopy("src/js");
};

const bytes = (dir: string, path: string) => fs.readFileSync(join(dir, "_site", path), "utf8");

describe('mode: "path" in Eleventy', () => {
  test("a page names the fingerprinted file and the build writes it with the same bytes", async () => {
    const dir = project({ "src/index.njk": `{{ '/js/app.js' | cache_bust }}` });
    await build(dir, (c) => {
      copies(c);
      c.addPlugin(cacheBust, { mode: "path" });
    });
    const url = `/js/app.${sha(JS)}.js`;
    expect([page(dir, "index.html"), bytes(dir, url)]).toEqual([url, JS]);
  });

  test("a stylesheet's fingerprinted copy names the image's fingerprinted copy, and both exist", async () => {
    const dir = project({ "src/index.njk": `{{ '/css/site.css' | cache_bust }}` });
    await build(dir, (c) => {
      copies(c);
      c.addPlugin(cacheBust, { mode: "path" });
    });
    const css = bytes(dir, page(dir, "index.html"));
    const image = `../img/logo.${sha(PNG)}.png`;
    expect([css, page(dir, "index.html"), bytes(dir, `/img/logo.${sha(PNG)}.png`)]).toEqual([
      `h1 { background: url("${image}") }\n`,
      `/css/site.${sha(css)}.css`,
      PNG,
    ]);
  });
});

test("auto: true in path mode names the fingerprinted copy and writes it", async () => {
  const dir = project({ "src/index.html": `<img src="/img/logo.png">` });
  await build(dir, (c) => {
    copies(c);
    c.addPlugin(cacheBust, { mode: "path", auto: true });
  });
  const url = `/img/logo.${sha(PNG)}.png`;
  expect([page(dir, "index.html"), bytes(dir, url)]).toEqual([`<img src="${url}">`, PNG]);
});

describe("stylesheets in Eleventy", () => {
  test("the stylesheet served at the busted URL has its url() busted and hashes to that URL", async () => {
    const dir = project({ "src/index.njk": `{{ '/css/site.css' | cache_bust }}` });
    await build(dir, (c) => {
      copies(c);
      c.addPlugin(cacheBust);
    });
    const served = bytes(dir, "css/site.css");
    expect([served, page(dir, "index.html")]).toEqual([
      `h1 { background: url("../img/logo.png?v=${sha(PNG)}") }\n`,
      `/css/site.css?v=${sha(served)}`,
    ]);
  });

  test("changing an image that a stylesheet uses gives the stylesheet a new URL in the next build", async () => {
    const dir = project({ "src/index.njk": `{{ '/css/site.css' | cache_bust }}` });
    const elev = eleventy(dir, (c) => {
      copies(c);
      c.addPlugin(cacheBust);
    });
    await elev.write();
    const first = page(dir, "index.html");
    fs.writeFileSync(join(dir, "src/img/logo.png"), PNG2);
    await elev.write();
    const served = bytes(dir, "css/site.css");
    expect([page(dir, "index.html") !== first, served.includes(sha(PNG2)), page(dir, "index.html")]).toEqual([
      true,
      true,
      `/css/site.css?v=${sha(served)}`,
    ]);
  });

  test("a stylesheet referencing a missing image fails the build naming the stylesheet's line", async () => {
    const dir = project({
      "src/css/site.css": `a {}\nh1 { background: url(../img/nope.png) }\n`,
      "src/index.njk": `{{ '/css/site.css' | cache_bust }}`,
    });
    const error = await rejection(
      build(dir, (c) => {
        copies(c);
        c.addPlugin(cacheBust);
      }),
    );
    expect([cacheBustCause(error)?.code, /site\.css:2:\d+/.test(messages(error))]).toEqual(["MISSING_FILE", true]);
  });

  test("a stylesheet referencing a missing image fails the build even with an older copy in the output directory", async () => {
    // The output directory is searched after the sources: the missing image must not make the
    // stylesheet look missing from the sources, or the old copy's hash gets into the page.
    const dir = project({
      "src/css/site.css": `h1 { background: url(../img/nope.png) }\n`,
      "src/index.njk": `{{ '/css/site.css' | cache_bust }}`,
      "_site/css/site.css": "h1 {}\n",
    });
    const error = await rejection(
      build(dir, (c) => {
        copies(c);
        c.addPlugin(cacheBust);
      }),
    );
    expect([cacheBustCause(error)?.code, cacheBustCause(error)?.file]).toEqual([
      "MISSING_FILE",
      join(dir, "src/img/nope.png"),
    ]);
  });

  test("transformers: [] leaves stylesheets as they are", async () => {
    const dir = project({ "src/index.njk": `{{ '/css/site.css' | cache_bust }}` });
    await build(dir, (c) => {
      copies(c);
      c.addPlugin(cacheBust, { transformers: [] });
    });
    expect([bytes(dir, "css/site.css"), page(dir, "index.html")]).toEqual([CSS, `/css/site.css?v=${sha(CSS)}`]);
  });
});

describe("manifestFile", () => {
  test("writes every hashed file's busted URL and hash, keys sorted", async () => {
    const dir = project({ "src/index.njk": `{{ '/js/app.js' | cache_bust }} {{ '/img/logo.png' | cache_bust }}` });
    await build(dir, (c) => {
      copies(c);
      c.addPlugin(cacheBust, { manifestFile: "cache-id.json" });
    });
    expect(bytes(dir, "cache-id.json")).toBe(
      `${JSON.stringify({ "/img/logo.png": { url: `/img/logo.png?v=${sha(PNG)}`, hash: sha(PNG) }, "/js/app.js": { url: `/js/app.js?v=${sha(JS)}`, hash: sha(JS) } }, null, 2)}\n`,
    );
  });

  test("a path that leaves the output directory is refused when the config loads", async () => {
    const dir = project({ "src/index.njk": "" });
    const error = await rejection(build(dir, (c) => c.addPlugin(cacheBust, { manifestFile: "../x.json" })));
    expect(cacheBustCause(error)?.code).toBe("BAD_ARGUMENT");
  });
});
