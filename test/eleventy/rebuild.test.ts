import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import cacheBust from "../../adapters/eleventy.js";
import { createCacheBuster } from "../../src/index.js";
import { eleventy, page, settle, sha, site } from "./fixtures.js";

const CSS = "body { background: #123456 }\n";
const CSS2 = "body { background: #654321 }\n";
const JS = "console.log(1)\n";

const pages = (n: number) =>
  Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `src/p${i}.njk`,
      `{{ '/css/site.css' | cache_bust }} {{ '/css/site.css' | cache_bust }}`,
    ]),
  );

describe("building the same site again in one process", () => {
  test("a changed asset gets its new hash on the next build", async () => {
    const dir = site({ "src/css/site.css": CSS, "src/index.njk": `{{ '/css/site.css' | cache_bust }}` });
    const elev = eleventy(dir, (c) => {
      c.addPassthroughCopy("src/css");
      c.addPassthroughCopy("src/app.js");
      c.addPlugin(cacheBust);
    });
    await elev.write();
    const first = page(dir, "index.html");
    fs.writeFileSync(join(dir, "src/css/site.css"), CSS2);
    await elev.write();
    expect([first, page(dir, "index.html")]).toEqual([`/css/site.css?v=${sha(CSS)}`, `/css/site.css?v=${sha(CSS2)}`]);
  });

  test("an unchanged asset keeps its hash while another one changes", async () => {
    const dir = site({
      "src/css/site.css": CSS,
      "src/app.js": JS,
      "src/index.njk": `{{ '/css/site.css' | cache_bust }} {{ '/app.js' | cache_bust }}`,
    });
    const elev = eleventy(dir, (c) => {
      c.addPassthroughCopy("src/css");
      c.addPassthroughCopy("src/app.js");
      c.addPlugin(cacheBust);
    });
    await elev.write();
    fs.writeFileSync(join(dir, "src/css/site.css"), CSS2);
    await elev.write();
    expect(page(dir, "index.html")).toBe(`/css/site.css?v=${sha(CSS2)} /app.js?v=${sha(JS)}`);
  });

  test("a file used by many pages is read once in a build", async () => {
    const dir = site({ "public/css/site.css": CSS, ...pages(6) });
    const buster = createCacheBuster({ root: join(dir, "public"), validate: "once" });
    await eleventy(dir, (c) => c.addPlugin(cacheBust, buster)).write();
    expect(buster.stats()).toMatchObject({ hashed: 1, stats: 0 });
  });

  test("an unchanged file costs one stat in the next build and is not read again", async () => {
    const dir = site({ "public/css/site.css": CSS, ...pages(6) });
    await settle([join(dir, "public/css/site.css")]);
    const buster = createCacheBuster({ root: join(dir, "public"), validate: "once", trustAfterMs: 0 });
    const elev = eleventy(dir, (c) => c.addPlugin(cacheBust, buster));
    await elev.write();
    await elev.write();
    expect(buster.stats()).toMatchObject({ hashed: 1, stats: 1 });
  });
});
