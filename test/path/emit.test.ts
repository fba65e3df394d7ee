import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { CacheBustError, createCacheBuster } from "../../src/index.js";
import { writeInside, writeInsideSync } from "../../src/core/emit.js";

// The gate with a file's own directory as the output directory: an atomic replace of one file.
const writeFileAtomic = (dest: string, data: string, options: { mode?: number } = {}) =>
  writeInside(dirname(dest), basename(dest), data, options);
const writeFileAtomicSync = (dest: string, data: string) => writeInsideSync(dirname(dest), basename(dest), data);
import { put, sha, snapshot, tree } from "../css/fixtures.js";

describe("emit", () => {
  it("writes a byte-identical fingerprinted copy of every hashed file at its URL path", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const root = tree({ "img/car.jpg": bytes, "my car.txt": "t" });
    const out = tree();
    const b = createCacheBuster({ root, mode: "path" });
    b.url("/img/car.jpg");
    b.url("/my%20car.txt");
    const paths = await b.emit(out);
    expect(paths.sort()).toEqual([join(out, `img/car.${sha(bytes)}.jpg`), join(out, `my car.${sha("t")}.txt`)]);
    expect(fs.readFileSync(join(out, `img/car.${sha(bytes)}.jpg`)).equals(bytes)).toBe(true);
  });

  it("leaves no temporary file behind", async () => {
    const root = tree({ "a.css": "a" });
    const b = createCacheBuster({ root, mode: "path" });
    b.url("/a.css");
    await b.emit(root);
    expect(Object.keys(snapshot(root)).sort()).toEqual(["a.css", `a.${sha("a")}.css`].sort());
  });

  it("leaves a copy that already holds the right bytes untouched", async () => {
    const root = tree({ "a.css": "a" });
    const out = tree();
    const b = createCacheBuster({ root, mode: "path" });
    b.url("/a.css");
    await b.emit(out);
    const copy = join(out, `a.${sha("a")}.css`);
    const past = new Date(Date.now() - 3_600_000);
    fs.utimesSync(copy, past, past);
    const before = fs.statSync(copy);
    await b.emit(out);
    const after = fs.statSync(copy);
    expect([after.ino, after.mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });

  it("names a copy by what was copied when the file changed after it was hashed", async () => {
    const root = tree({ "a.css": "old" });
    const out = tree();
    const warnings: CacheBustError[] = [];
    const b = createCacheBuster({ root, mode: "path", onWarning: (w) => warnings.push(w) });
    b.url("/a.css");
    put(root, "a.css", "new!");
    await b.emit(out);
    expect(fs.readdirSync(out)).toEqual([`a.${sha("new!")}.css`]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain(join(out, `a.${sha("old")}.css`));
  });

  it("never writes a copy through a symbolic link that leads out of the output directory", async () => {
    const root = tree({ "lib/a.js": "a" });
    const out = tree();
    const elsewhere = tree();
    fs.symlinkSync(elsewhere, join(out, "lib"));
    const warnings: CacheBustError[] = [];
    const b = createCacheBuster({ root, mode: "path", onWarning: (w) => warnings.push(w) });
    b.url("/lib/a.js");
    expect(await b.emit(out)).toEqual([]);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    expect(warnings.map((w) => w.code)).toEqual(["OUTSIDE_OUTPUT"]);
  });

  it("refuses to run in query mode", async () => {
    const b = createCacheBuster({ root: tree() });
    await expect(b.emit(tree())).rejects.toMatchObject({ code: "BAD_ARGUMENT" });
  });
});

describe("writeInside on one file", () => {
  it("replaces a file and keeps the mode asked for", async () => {
    const dir = tree({ "a.html": "old" });
    expect(await writeFileAtomic(join(dir, "a.html"), "new", { mode: 0o640 })).toBe(true);
    expect(fs.readFileSync(join(dir, "a.html"), "utf8")).toBe("new");
    expect(fs.statSync(join(dir, "a.html")).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(["a.html"]);
  });
});

describe.each([
  ["writeFileAtomic", (dest: string, data: string) => writeFileAtomic(dest, data)],
  ["writeFileAtomicSync", async (dest: string, data: string) => writeFileAtomicSync(dest, data)],
])("%s", (_, write) => {
  it("replaces a file and leaves no temporary file behind", async () => {
    const dir = tree({ "a.css": "old" });
    expect(await write(join(dir, "a.css"), "new")).toBe(true);
    expect(fs.readFileSync(join(dir, "a.css"), "utf8")).toBe("new");
    expect(fs.readdirSync(dir)).toEqual(["a.css"]);
  });

  it("makes the directories it writes into", async () => {
    const dir = tree({});
    expect(await write(join(dir, "css", "deep", "a.css"), "new")).toBe(true);
    expect(fs.readFileSync(join(dir, "css", "deep", "a.css"), "utf8")).toBe("new");
  });

  it("does not touch a file that already holds the bytes", async () => {
    const dir = tree({ "a.css": "same" });
    const before = fs.statSync(join(dir, "a.css"));
    expect(await write(join(dir, "a.css"), "same")).toBe(false);
    expect(fs.statSync(join(dir, "a.css")).ino).toBe(before.ino);
  });

  it("replaces a file of the same size but other bytes", async () => {
    const dir = tree({ "a.css": "abc" });
    expect(await write(join(dir, "a.css"), "xyz")).toBe(true);
    expect(fs.readFileSync(join(dir, "a.css"), "utf8")).toBe("xyz");
  });

  it("refuses to replace a FIFO, without waiting for a writer", async () => {
    const dir = tree({});
    execFileSync("mkfifo", [join(dir, "a.css")]);
    await expect(Promise.resolve().then(() => write(join(dir, "a.css"), "new"))).rejects.toMatchObject({
      code: "NOT_A_FILE",
    });
    expect(fs.lstatSync(join(dir, "a.css")).isFIFO()).toBe(true);
  });
});
