import * as fs from "node:fs";
import { join } from "node:path";
import { createCacheBuster } from "cache-id";
import { cssTransformer } from "cache-id/css";
import { describe, expect, test } from "vitest";
import { outputHashes, verifyBuild } from "../../adapters/eleventy/verify.js";
import { settle, site, write } from "./fixtures.js";

/** A source tree hashed by a buster, and an output directory holding a copy of it. */
function built(files: Record<string, string>, trustAfterMs = 3000) {
  const src = site(files);
  const out = site(files);
  const buster = createCacheBuster({ root: src, validate: "once", trustAfterMs, transformers: [cssTransformer()] });
  for (const path of Object.keys(files)) buster.url(`/${path}`);
  const entries = buster.entries();
  const target = { outDir: out, options: buster.options, servedFromSource: false };
  return { src, out, entries, target };
}

const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

describe("the end-of-build check that the output serves the hashed bytes", () => {
  test("finds nothing wrong when every output file holds the bytes hashed", () => {
    const { entries, target } = built({ "img/a.png": "a", "img/b.png": "bb" });
    expect(verifyBuild(entries, target)).toEqual([]);
  });

  test("reports an output file with other bytes than the ones hashed as FILE_CHANGED", () => {
    const { out, entries, target } = built({ "img/a.png": "a", "img/b.png": "bb" });
    write(out, "img/b.png", "cc");
    expect(codes(verifyBuild(entries, target))).toEqual(["FILE_CHANGED"]);
  });

  test("reports a missing output file, and a directory in its place, as MISSING_FILE", () => {
    const { out, entries, target } = built({ "img/a.png": "a", "img/b.png": "bb" });
    fs.rmSync(join(out, "img/a.png"));
    fs.rmSync(join(out, "img/b.png"));
    fs.mkdirSync(join(out, "img/b.png"));
    expect(codes(verifyBuild(entries, target))).toEqual(["MISSING_FILE", "MISSING_FILE"]);
  });

  test("checks a rewritten stylesheet against the rewritten bytes written into the output", () => {
    const { out, entries, target } = built({ "css/site.css": "a{background:url(/img/a.png)}", "img/a.png": "a" });
    const css = entries.find((e) => e.urlPath === "/css/site.css");
    expect(verifyBuild(entries, target).length).toBe(1);
    fs.writeFileSync(join(out, "css/site.css"), css?.content as Buffer);
    expect(verifyBuild(entries, target)).toEqual([]);
  });

  test("reads an output file again when it was rewritten since the last check, even to the same size", () => {
    const { out, entries, target } = built({ "img/a.png": "a", "img/b.png": "bb" }, 20);
    const hashes = outputHashes(out, target.options);
    expect(verifyBuild(entries, { ...target, hashes })).toEqual([]);
    write(out, "img/b.png", "cc");
    expect(codes(verifyBuild(entries, { ...target, hashes }))).toEqual(["FILE_CHANGED"]);
  });

  test("does not read again, in the next build, an output file unchanged since it was trusted", async () => {
    const { out, entries, target } = built({ "img/a.png": "a", "img/b.png": "bb" }, 20);
    await settle([join(out, "img/a.png"), join(out, "img/b.png")], 25);
    const hashes = outputHashes(out, target.options);
    verifyBuild(entries, { ...target, hashes });
    verifyBuild(entries, { ...target, hashes });
    expect(hashes.stats().hashed).toBe(2);
  });
});
