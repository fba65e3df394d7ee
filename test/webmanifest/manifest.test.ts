import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { jsonStrings } from "../../src/webmanifest/strings.js";
import { webManifestTransformer } from "../../src/webmanifest/index.js";
import { sha, tree } from "../css/fixtures.js";
import { cli } from "../cli/run.js";

const MANIFEST = `{
  "name": "App",
  "start_url": "/",
  "icons": [ { "src": "icons/a.png", "sizes": "192x192" }, {"src":"/icons/b.png"} ],
  "screenshots": [{ "src": "../shot.png" }],
  "shortcuts": [{ "name": "x", "url": "/x/", "icons": [{ "src": "icons/a.png" }] }],
  "description": "icons/a.png"
}
`;

describe("jsonStrings", () => {
  it("finds every string value with the keys and indexes that lead to it", () => {
    const found = jsonStrings('{"a":[{"src":"x\\"y"}, 1, "z"], "b": {"c": true}}').map((s) => [s.path, s.value]);
    expect(found).toEqual([
      [["a", 0, "src"], 'x"y'],
      [["a", 2], "z"],
    ]);
  });
});

describe("webManifestTransformer", () => {
  it("busts icons, screenshots and shortcut icons against the manifest's URL and keeps every other byte", () => {
    const site = tree({
      "app/site.webmanifest": MANIFEST,
      "app/icons/a.png": "A",
      "icons/b.png": "B",
      "shot.png": "S",
    });
    const buster = createCacheBuster({ root: site, transformers: [webManifestTransformer()] });
    buster.url("/app/site.webmanifest");
    const [a, b, s] = [sha("A"), sha("B"), sha("S")];
    const expected = MANIFEST.replace('"src": "icons/a.png", "sizes"', `"src": "icons/a.png?v=${a}", "sizes"`)
      .replace('"/icons/b.png"', `"/icons/b.png?v=${b}"`)
      .replace('"../shot.png"', `"../shot.png?v=${s}"`)
      .replace('"icons": [{ "src": "icons/a.png" }]', `"icons": [{ "src": "icons/a.png?v=${a}" }]`);
    const entry = buster.entries().find((e) => e.urlPath === "/app/site.webmanifest");
    expect(entry?.content?.toString()).toBe(expected);
    expect(entry?.hash).toBe(sha(expected));
  });

  it("leaves a file that is not JSON alone", () => {
    const site = tree({ "site.webmanifest": "{ icons: [ }", "a.png": "A" });
    const buster = createCacheBuster({ root: site, transformers: [webManifestTransformer()] });
    expect(buster.url("/site.webmanifest")).toBe(`/site.webmanifest?v=${sha("{ icons: [ }")}`);
  });
});

describe("cache-id <dir> with a web app manifest", () => {
  it("rewrites the manifest in place and links it by the hash of its rewritten bytes", () => {
    const site = tree({
      "index.html": '<link rel="manifest" href="/manifest.json">',
      "manifest.json": '{"icons":[{"src":"/a.png"}]}',
      "a.png": "A",
    });
    expect(cli([site]).code).toBe(0);
    const manifest = fs.readFileSync(join(site, "manifest.json"), "utf8");
    expect(manifest).toBe(`{"icons":[{"src":"/a.png?v=${sha("A")}"}]}`);
    expect(fs.readFileSync(join(site, "index.html"), "utf8")).toBe(
      `<link rel="manifest" href="/manifest.json?v=${sha(manifest)}">`,
    );
  });

  it("reports an icon that names no file", () => {
    const site = tree({
      "index.html": '<link rel="manifest" href="/site.webmanifest">',
      "site.webmanifest": '{"icons":[{"src":"/nope.png"}]}',
    });
    const r = JSON.parse(cli([site, "--json"]).stdout);
    expect(r.problems).toContainEqual(
      expect.objectContaining({ file: "site.webmanifest", url: "/nope.png", code: "MISSING_FILE" }),
    );
  });
});
