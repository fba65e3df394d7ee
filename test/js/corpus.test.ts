import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { jsTransformer } from "../../src/js/index.js";
import { tree } from "./fixtures.js";

/** lodash-es: 640-odd real ES modules importing each other by relative URL. */
const LODASH = join(import.meta.dirname, "..", "..", "node_modules", "lodash-es");

describe("a real module graph (lodash-es)", () => {
  it("busts every relative import of every module and changes no other byte", () => {
    const files: Record<string, string> = {};
    for (const name of fs.readdirSync(LODASH).filter((n) => n.endsWith(".js")))
      files[`lodash/${name}`] = fs.readFileSync(join(LODASH, name), "utf8");
    const root = tree(files);
    const buster = createCacheBuster({ root, validate: "once", transformers: [jsTransformer()] });
    for (const path of Object.keys(files)) buster.hash(`/${path}`);
    const served = new Map(
      buster.entries().map((e) => [e.urlPath.slice(1), (e.content ?? fs.readFileSync(e.file)).toString("utf8")]),
    );
    expect(served.size).toBe(Object.keys(files).length);
    let imports = 0;
    for (const [path, original] of Object.entries(files)) {
      const text = served.get(path) as string;
      imports += (original.match(/ from '\.\/[^']+'/g) ?? []).length;
      // Every `from './x.js'` carries a hash now, and taking the hashes out gives the file back.
      expect(text.match(/ from '\.\/[^']+'/g)?.every((m) => /\?v=[0-9a-f]{10}'$/.test(m)) ?? true, path).toBe(true);
      expect(text.replace(/\?v=[0-9a-f]{10}(?=')/g, ""), path).toBe(original);
    }
    expect(imports).toBeGreaterThan(1000);
  });

  it("gives every module the same hash under once (sync and async, all at once) as under always", async () => {
    const files = fs.readdirSync(LODASH).filter((n) => n.endsWith(".js"));
    const root = tree(Object.fromEntries(files.map((n) => [`lodash/${n}`, fs.readFileSync(join(LODASH, n))])));
    const urls = files.map((n) => `/lodash/${n}`);
    const make = (validate: "once" | "always") =>
      createCacheBuster({ root, validate, transformers: [jsTransformer()] });
    // "always" answers no reference from what the build already answered: an independent oracle.
    const always = make("always");
    const expected = urls.map((u) => always.hash(u));
    const once = make("once");
    expect(urls.map((u) => once.hash(u))).toEqual(expected);
    const onceAsync = make("once");
    expect(await Promise.all(urls.map((u) => onceAsync.hashAsync(u)))).toEqual(expected);
  });
});
