import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CacheBustError } from "../../src/core/errors.js";
import { createCacheBuster } from "../../src/index.js";
import { writeManifest } from "../../src/core/manifest.js";
import { site as tree } from "../core/fixtures.js";

describe("writeManifest through the gate", () => {
  it("refuses a manifest path through a linked directory that leads out of the output directory", async () => {
    const root = tree({ "a.css": "a" });
    const out = tree();
    const outside = tree({ "m.json": "keep" });
    fs.symlinkSync(outside, join(out, "linkdir"));
    const b = createCacheBuster({ root });
    b.url("/a.css");
    await expect(writeManifest("linkdir/m.json", b, { outDir: out })).rejects.toMatchObject({ code: "OUTSIDE_OUTPUT" });
    expect(fs.readFileSync(join(outside, "m.json"), "utf8")).toBe("keep");
  });

  it("reports the refusal to onWarning and returns false when asked to", async () => {
    const out = tree();
    const outside = tree();
    fs.symlinkSync(outside, join(out, "linkdir"));
    const warnings: CacheBustError[] = [];
    expect(await writeManifest("linkdir/m.json", [], { outDir: out, onWarning: (w) => warnings.push(w) })).toBe(false);
    expect(warnings.map((w) => w.code)).toEqual(["OUTSIDE_OUTPUT"]);
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it("refuses an absolute manifest path when given an output directory", async () => {
    const out = tree();
    const outside = tree();
    await expect(writeManifest(join(outside, "m.json"), [], { outDir: out })).rejects.toMatchObject({
      code: "OUTSIDE_OUTPUT",
    });
    expect(fs.readdirSync(outside)).toEqual([]);
  });

  it("writes the manifest inside the output directory", async () => {
    const out = tree();
    expect(await writeManifest("meta/m.json", [], { outDir: out })).toBe(true);
    expect(fs.readFileSync(join(out, "meta/m.json"), "utf8")).toBe("{}\n");
  });
});
