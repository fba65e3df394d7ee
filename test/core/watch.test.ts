import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { createCacheBuster, type CacheBuster, type CacheBustOptions } from "../../src/index.js";
import { fsCallsDuring } from "./fs-calls.js";
import { settle, sha, site } from "./fixtures.js";

const DIST = join(__dirname, "../../dist/index.js");
/** The bound docs/core.md gives for a change on a local disk, with the event loop free. */
const BOUND_MS = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const open: CacheBuster[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.close();
});

/** A watching buster over `root` whose files are already trusted (older than its window). */
async function watching(root: string, files: string[], extra: CacheBustOptions = {}): Promise<CacheBuster> {
  await settle(
    files.map((f) => join(root, f)),
    6,
  );
  const buster = createCacheBuster({ root, validate: "watch", trustAfterMs: 5, ...extra });
  open.push(buster);
  return buster;
}

/**
 * A buster watching no directory (so no event can come), whose `/a.css` was answered as "a"
 * and then rewritten as "b" with its old times: only a re-check every `recheckMs` can see it.
 */
async function editedUnwatched(recheckMs: number) {
  const root = site({ "a.css": "a" });
  const buster = await watching(root, ["a.css"], { watch: { maxDirectories: 0, recheckMs } });
  buster.url("/a.css");
  await sleep(5);
  buster.url("/a.css");
  const file = join(root, "a.css");
  const { mtime } = fs.statSync(file);
  fs.writeFileSync(file, "b");
  fs.utimesSync(file, mtime, mtime);
  return buster;
}

describe('validate: "watch"', () => {
  it("answers a hit with no system call once the file is watched", async () => {
    const root = site({ "a.css": "a" });
    const buster = await watching(root, ["a.css"]);
    buster.url("/a.css"); // read, and its directory watched from now on
    await sleep(5);
    buster.url("/a.css"); // checked once under the watcher (a check in the same ms as its start is not trusted)
    const calls = await fsCallsDuring(async () => {
      for (let i = 0; i < 100; i++) buster.url("/a.css");
      await buster.urlAsync("/a.css");
    });
    expect(calls).toEqual([]);
    expect(buster.url("/a.css")).toBe(`/a.css?v=${sha("a")}`);
  });

  it.each([
    ["a same-size rewrite", (root: string) => fs.writeFileSync(join(root, "css/a.css"), "b")],
    [
      "an atomic rename over it",
      (root: string) => (
        fs.writeFileSync(join(root, "t"), "b"),
        fs.renameSync(join(root, "t"), join(root, "css/a.css"))
      ),
    ],
    [
      "a delete and recreate",
      (root: string) => (fs.rmSync(join(root, "css/a.css")), fs.writeFileSync(join(root, "css/a.css"), "b")),
    ],
    [
      "its parent directory renamed and another put in its place",
      (root: string) => {
        fs.renameSync(join(root, "css"), join(root, "old"));
        fs.mkdirSync(join(root, "css"));
        fs.writeFileSync(join(root, "css/a.css"), "b");
      },
    ],
  ])("gives the new hash within the bound after %s", async (_name, change) => {
    const root = site({ "css/a.css": "a" });
    const buster = await watching(root, ["css/a.css"]);
    buster.url("/css/a.css");
    await sleep(5);
    buster.url("/css/a.css");
    const before = buster.stats().stats;
    buster.url("/css/a.css");
    expect(buster.stats().stats).toBe(before); // answered by the watcher: no stat
    change(root);
    await sleep(BOUND_MS);
    expect(buster.url("/css/a.css")).toBe(`/css/a.css?v=${sha("b")}`);
    expect(await buster.urlAsync("/css/a.css")).toBe(`/css/a.css?v=${sha("b")}`);
  });

  it("finds a file that appears where a URL was missing", async () => {
    const root = site({ "a.css": "a" });
    const buster = await watching(root, ["a.css"]);
    buster.url("/a.css");
    expect(() => buster.url("/b.css")).toThrow(expect.objectContaining({ code: "MISSING_FILE" }));
    fs.writeFileSync(join(root, "b.css"), "b");
    expect(buster.url("/b.css")).toBe(`/b.css?v=${sha("b")}`);
  });

  it("answers a missing URL again without a system call, without blocking, and finds the file within the bound", async () => {
    const root = site({ "a.css": "a" });
    const buster = await watching(root, ["a.css"]);
    buster.url("/a.css");
    await sleep(5); // the directory is watched from before the next lookup
    const missing = { code: "MISSING_FILE" };
    await expect(buster.urlAsync("/b.css")).rejects.toMatchObject(missing);
    const calls = await fsCallsDuring(async () => {
      await expect(buster.urlAsync("/b.css")).rejects.toMatchObject(missing);
      expect(await buster.lookupAsync("/b.css", { missing: "ignore" })).toBeUndefined();
    });
    expect(calls).toEqual([]);
    fs.writeFileSync(join(root, "b.css"), "b");
    await sleep(BOUND_MS);
    expect(await buster.urlAsync("/b.css")).toBe(`/b.css?v=${sha("b")}`);
  });

  it("looks for a missing file on every lookup in a directory not watched yet", async () => {
    const root = site({ "a.css": "a" });
    const buster = await watching(root, ["a.css"]);
    buster.url("/a.css");
    await sleep(5);
    await expect(buster.urlAsync("/d/b.css")).rejects.toMatchObject({ code: "MISSING_FILE" });
    await expect(buster.urlAsync("/d/b.css")).rejects.toMatchObject({ code: "MISSING_FILE" });
    // No event can come from a directory nobody watches: found at once, with no wait.
    fs.mkdirSync(join(root, "d"));
    fs.writeFileSync(join(root, "d/b.css"), "b");
    expect(await buster.urlAsync("/d/b.css")).toBe(`/d/b.css?v=${sha("b")}`);
  });

  it("catches up through the periodic re-check when no event comes (no directory watched)", async () => {
    const buster = await editedUnwatched(200);
    await sleep(250);
    expect(buster.url("/a.css")).toBe(`/a.css?v=${sha("b")}`);
  });

  it("re-checks on time within one long synchronous run too, not only between runs", async () => {
    const buster = await editedUnwatched(50);
    // No await from here on: no event, timer or microtask can run in between.
    for (const end = Date.now() + 100; Date.now() < end;) buster.url("/a.css");
    expect(buster.url("/a.css")).toBe(`/a.css?v=${sha("b")}`);
  });

  it("checks every file again on the next call after refresh()", async () => {
    const root = site({ "a.css": "a" });
    const buster = await watching(root, ["a.css"]);
    buster.url("/a.css");
    await sleep(5);
    buster.url("/a.css");
    const before = buster.stats().stats;
    buster.url("/a.css");
    expect(buster.stats().stats).toBe(before);
    buster.refresh();
    buster.url("/a.css");
    expect(buster.stats().stats).toBe(before + 1);
  });

  it("still re-reads a file changed within the trust window on every call", async () => {
    const root = site({ "a.css": "a" });
    const buster = createCacheBuster({ root, validate: "watch" }); // 3 s window: nothing trusted yet
    open.push(buster);
    for (let i = 0; i < 3; i++) buster.url("/a.css");
    expect(buster.stats().hashed).toBe(3);
  });

  it("never keeps the process alive, and close() releases the watchers", () => {
    expect(fs.existsSync(DIST), "build first: npm run build").toBe(true);
    const root = site({ "a.css": "a", "d/b.css": "b" });
    const script = `
      import { createCacheBuster } from ${JSON.stringify(pathToFileURL(DIST).href)};
      const kept = createCacheBuster({ root: process.argv[1], validate: "watch", trustAfterMs: 0 });
      kept.url("/a.css"); kept.url("/d/b.css"); kept.url("/a.css");
      const closed = createCacheBuster({ root: process.argv[1], validate: "watch", trustAfterMs: 0 });
      closed.url("/a.css"); closed.close(); closed.close();
      console.log(closed.url("/a.css"));
    `;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script, root], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe(`/a.css?v=${sha("a")}`);
  });

  it("checks the file on every call after close(), as under always", async () => {
    const root = site({ "a.css": "a" });
    const buster = await watching(root, ["a.css"]);
    buster.url("/a.css");
    await sleep(5);
    buster.url("/a.css");
    buster.close();
    const before = buster.stats().stats;
    buster.url("/a.css");
    buster.url("/a.css");
    expect(buster.stats().stats).toBe(before + 2);
  });

  it("refuses bad settings with BAD_ARGUMENT", () => {
    expect(() => createCacheBuster({ validate: "watch", watch: { recheckMs: -1 } })).toThrow(
      expect.objectContaining({ code: "BAD_ARGUMENT" }),
    );
    expect(() => createCacheBuster({ watch: { polling: true } as never })).toThrow(
      expect.objectContaining({ code: "BAD_ARGUMENT" }),
    );
  });
});
