import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import type { CacheBustError } from "../../src/core/errors.js";
import { emitFiles } from "../../src/core/emit.js";
import { sha, site as tree } from "../core/fixtures.js";

describe("emit and links", () => {
  it("does not copy a file whose real path is outside its root, and names it in a warning", async () => {
    const outside = tree({ passwd: "root:x:0:0" });
    const root = tree();
    fs.symlinkSync(join(outside, "passwd"), join(root, "passwd.png"));
    const out = tree();
    const warnings: CacheBustError[] = [];
    const b = createCacheBuster({ root, mode: "path", onWarning: (w) => warnings.push(w) });
    expect(b.url("/passwd.png")).toBe(`/passwd.${sha("root:x:0:0")}.png`);
    expect(await b.emit(out)).toEqual([]);
    expect(fs.readdirSync(out)).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(["OUTSIDE_ROOT"]);
    expect(warnings[0]?.message).toContain(join(root, "passwd.png"));
  });

  it("copies a file linked from outside its root when allowLinksOutside is true", async () => {
    const outside = tree({ "lib.js": "lib" });
    const root = tree();
    fs.symlinkSync(outside, join(root, "vendor"));
    const out = tree();
    const b = createCacheBuster({ root, mode: "path", allowLinksOutside: true });
    b.url("/vendor/lib.js");
    expect(await b.emit(out)).toEqual([join(out, `vendor/lib.${sha("lib")}.js`)]);
    expect(fs.readFileSync(join(out, `vendor/lib.${sha("lib")}.js`), "utf8")).toBe("lib");
  });

  it("copies a file reached through a link that stays inside its root", async () => {
    const root = tree({ "assets/a.css": "a" });
    fs.symlinkSync(join(root, "assets"), join(root, "alias"));
    const out = tree();
    const b = createCacheBuster({ root, mode: "path" });
    b.url("/alias/a.css");
    expect(await b.emit(out)).toEqual([join(out, `alias/a.${sha("a")}.css`)]);
  });

  it("refuses an allowLinksOutside that is not a boolean", () => {
    expect(() => createCacheBuster({ allowLinksOutside: "yes" as unknown as boolean })).toThrow(
      expect.objectContaining({ code: "BAD_ARGUMENT" }),
    );
  });

  it.each([
    ["with calls that wait", false],
    ["with blocking calls", true],
  ])("refuses the next copy into a directory swapped for a link during the same emit, %s", async (_, sync) => {
    const root = tree({ "lib/a.js": "a", "lib/b.js": "b" });
    const out = tree();
    const elsewhere = tree();
    const warnings: CacheBustError[] = [];
    const b = createCacheBuster({ root, mode: "path", onWarning: (w) => warnings.push(w) });
    b.url("/lib/a.js");
    b.url("/lib/b.js");
    let swapped = false;
    const paths = await emitFiles(b.entries(), out, b.options, (w) => warnings.push(w), {
      sync,
      onCopy: () => {
        if (swapped) return;
        swapped = true;
        fs.renameSync(join(out, "lib"), join(elsewhere, "lib"));
        fs.symlinkSync(join(elsewhere, "lib"), join(out, "lib"));
      },
    });
    expect(paths).toHaveLength(1);
    expect(fs.readdirSync(join(elsewhere, "lib"))).toHaveLength(1);
    expect(warnings.map((w) => w.code)).toEqual(["OUTSIDE_OUTPUT"]);
  });

  it("does not block on a file turned into a FIFO after it was hashed", async () => {
    const root = tree({ "a.css": "a" });
    const out = tree();
    const warnings: CacheBustError[] = [];
    const b = createCacheBuster({ root, mode: "path", onWarning: (w) => warnings.push(w) });
    b.url("/a.css");
    fs.rmSync(join(root, "a.css"));
    execFileSync("mkfifo", [join(root, "a.css")]);
    expect(await b.emit(out)).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(["NOT_A_FILE"]);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it("reports a file that changed after it was hashed as FILE_CHANGED and names the copy by its new hash", async () => {
    const root = tree({ "a.css": "old" });
    const out = tree();
    const warnings: CacheBustError[] = [];
    const b = createCacheBuster({ root, mode: "path", onWarning: (w) => warnings.push(w) });
    b.url("/a.css");
    fs.writeFileSync(join(root, "a.css"), "new!");
    expect(await b.emit(out)).toEqual([join(out, `a.${sha("new!")}.css`)]);
    expect(warnings.map((w) => w.code)).toEqual(["FILE_CHANGED"]);
  });

  it("makes the same copies with blocking calls as with calls that wait", async () => {
    const root = tree({ "a.css": "a", "img/b.png": "b", "img/deep/c.svg": "c" });
    const [outA, outB] = [tree(), tree()];
    const b = createCacheBuster({ root, mode: "path" });
    for (const url of ["/a.css", "/img/b.png", "/img/deep/c.svg"]) b.url(url);
    const fail = (w: CacheBustError) => {
      throw w;
    };
    const waited = await emitFiles(b.entries(), outA, b.options, fail);
    const blocked = await emitFiles(b.entries(), outB, b.options, fail, { sync: true });
    expect(blocked.map((p) => p.slice(outB.length))).toEqual(waited.map((p) => p.slice(outA.length)));
    for (const p of blocked)
      expect(fs.readFileSync(p, "utf8")).toBe(fs.readFileSync(outA + p.slice(outB.length), "utf8"));
  });

  it("stops a blocking emit between files once its signal is aborted", async () => {
    const files = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}.txt`, String(i)]));
    const root = tree(files);
    const out = tree();
    const b = createCacheBuster({ root, mode: "path" });
    for (const name of Object.keys(files)) b.url(`/${name}`);
    const controller = new AbortController();
    setImmediate(() => controller.abort());
    const paths = await emitFiles(b.entries(), out, b.options, () => {}, { sync: true, signal: controller.signal });
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.length).toBeLessThan(40);
  });
});
