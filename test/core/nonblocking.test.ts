import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { cssTransformer } from "../../src/css/index.js";
import { createCacheBuster } from "../../src/index.js";
import { syncCallsDuring } from "./fs-calls.js";
import { site } from "./fixtures.js";

describe("the async methods", () => {
  it("make no synchronous fs call for a stylesheet whose references name other stylesheets and images", async () => {
    const root = site({
      "css/site.css": '@import "base.css";\n.a { background: url(../img/car.png) }\n',
      "css/base.css": ".b { background: url(../img/bg.png) }\n",
      "img/car.png": "car",
      "img/bg.png": "bg",
    });
    // The sync answer, first: it also loads the CSS parser, which is required on first use.
    const expected = createCacheBuster({ root, transformers: [cssTransformer()] }).url("/css/site.css");
    const buster = createCacheBuster({ root, trustAfterMs: 0, transformers: [cssTransformer()] });
    let busted: string | undefined;
    const calls = await syncCallsDuring(async () => {
      busted = await buster.urlAsync("/css/site.css");
      await buster.hashAsync("/css/site.css"); // a second call revalidates the references
    });
    expect(calls).toEqual([]);
    expect(busted).toBe(expected);
  });

  it("give a stylesheet the same rewritten bytes and hash as the sync methods", async () => {
    const root = site({ "a.css": ".a { background: url(x.png) } .b { background: url(missing.png) }", "x.png": "x" });
    const options = { root, missing: "ignore" as const, transformers: [cssTransformer()] };
    const sync = createCacheBuster(options);
    const async = createCacheBuster(options);
    expect(await async.hashAsync("/a.css")).toBe(sync.hash("/a.css"));
    expect(async.entries()[0]?.content?.toString()).toBe(sync.entries()[0]?.content?.toString());
  });
});

describe("descriptors of reads without blocking", () => {
  const openFds = () => fs.readdirSync("/proc/self/fd").length;

  it.skipIf(!fs.existsSync("/proc/self/fd"))(
    "are all closed once the event loop has turned, for many files read at once",
    async () => {
      const files = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}.txt`, `file ${i}`]));
      const root = site(files);
      const before = openFds();
      const buster = createCacheBuster({ root });
      const urls = await Promise.all(Object.keys(files).map((name) => buster.urlAsync(`/${name}`)));
      expect(urls).toHaveLength(300);
      await new Promise((ok) => setImmediate(ok));
      await new Promise((ok) => setTimeout(ok, 50)); // the closes themselves run in the thread pool
      expect(openFds()).toBeLessThanOrEqual(before);
    },
  );

  it("are closed when a read fails after the open, as for a directory", async () => {
    const root = site({ "dir/a.txt": "a" });
    const before = fs.existsSync("/proc/self/fd") ? openFds() : 0;
    const buster = createCacheBuster({ root });
    await expect(buster.urlAsync("/dir")).rejects.toMatchObject({ code: "NOT_A_FILE" });
    await new Promise((ok) => setTimeout(ok, 50));
    if (fs.existsSync("/proc/self/fd")) expect(openFds()).toBeLessThanOrEqual(before);
  });
});
