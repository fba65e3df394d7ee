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
