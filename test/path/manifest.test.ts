import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { buildManifest, formatManifest, writeManifest } from "../../src/core/manifest.js";
import { sha, tree } from "../css/fixtures.js";

describe("manifest", () => {
  it("maps each URL path to its busted URL and hash, keys sorted", () => {
    const root = tree({ "b.css": "b", "a/z.js": "z", "my car.jpg": "c" });
    const b = createCacheBuster({ root });
    for (const url of ["/b.css", "/my%20car.jpg", "/a/z.js"]) b.url(url);
    const text = formatManifest(b.entries());
    expect(Object.keys(JSON.parse(text))).toEqual(["/a/z.js", "/b.css", "/my car.jpg"]);
    expect(JSON.parse(text)["/my car.jpg"]).toEqual({ url: `/my%20car.jpg?v=${sha("c")}`, hash: sha("c") });
    expect(text.endsWith("}\n")).toBe(true);
  });

  it("names fingerprinted URLs in path mode", () => {
    const root = tree({ "a.css": "a" });
    const b = createCacheBuster({ root, mode: "path" });
    b.url("/a.css");
    expect(buildManifest(b.entries())).toEqual({ "/a.css": { url: `/a.${sha("a")}.css`, hash: sha("a") } });
  });

  it("gives the same bytes whatever order the files were hashed in", () => {
    const root = tree({ "a.css": "a", "b.css": "b" });
    const one = createCacheBuster({ root });
    const two = createCacheBuster({ root });
    (one.url("/a.css"), one.url("/b.css"));
    (two.url("/b.css"), two.url("/a.css"));
    expect(formatManifest(one.entries())).toBe(formatManifest(two.entries()));
  });

  it("writes the manifest file and reports whether it changed", async () => {
    const root = tree({ "a.css": "a" });
    const b = createCacheBuster({ root });
    b.url("/a.css");
    const file = join(root, "out/cache-id.json");
    expect(await writeManifest(file, b)).toBe(true);
    expect(await writeManifest(file, b.entries())).toBe(false);
    expect(fs.readFileSync(file, "utf8")).toBe(formatManifest(b.entries()));
  });
});
