import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import cacheBust from "../../adapters/eleventy.js";
import { build, cacheBustCause, messages, page, rejection, sha, site } from "./fixtures.js";

// The publishing rule: a URL is busted only if the built site serves a file there.
const SECRET = "API_KEY=hunter2\n";
const GIT = "[core]\n\tbare = false\n";
const PNG = "png bytes\n";

/** Every file under `dir`, as paths relative to it. */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

describe("the Eleventy plugin busts only what the built site publishes", () => {
  test("auto in path mode with input '.' copies no dotfile or dot-directory into the output", async () => {
    const dir = site({
      ".env": SECRET,
      ".git/config": GIT,
      "post.md": `![x](/.env)\n\n<img src="/.git/config">\n`,
    });
    await build(dir, (c) => c.addPlugin(cacheBust, { auto: true, mode: "path" }), { input: "." });
    const files = listing(join(dir, "_site"));
    expect(files.filter((f) => f.split("/").some((s) => s.startsWith(".")))).toEqual([]);
  });

  test("auto leaves a dotfile's URL as written", async () => {
    const dir = site({ ".env": SECRET, "post.md": `<img src="/.env">\n` });
    await build(dir, (c) => c.addPlugin(cacheBust, { auto: true }), { input: "." });
    expect(page(dir, "post/index.html")).toBe(`<img src="/.env">\n`);
  });

  test("a file in the input directory that no passthrough copy publishes is MISSING_FILE naming the template", async () => {
    const dir = site({
      "src/blog/post/possum.png": PNG,
      "src/blog/post/index.njk": `<img src="{{ './possum.png' | cache_bust }}">`,
    });
    const error = await rejection(build(dir, (c) => c.addPlugin(cacheBust)));
    expect([
      cacheBustCause(error)?.code,
      /possum\.png.*\(in template \.\/src\/blog\/post\/index\.njk\)/.test(messages(error)),
    ]).toEqual(["MISSING_FILE", true]);
  });

  test("the same file is busted once a passthrough copy publishes it", async () => {
    const dir = site({
      "src/blog/post/possum.png": PNG,
      "src/blog/post/index.njk": `{{ './possum.png' | cache_bust }}`,
    });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/blog/**/*.png");
      c.addPlugin(cacheBust);
    });
    expect([
      page(dir, "blog/post/index.html"),
      fs.readFileSync(join(dir, "_site/blog/post/possum.png"), "utf8"),
    ]).toEqual([`./possum.png?v=${sha(PNG)}`, PNG]);
  });

  test("a single-file passthrough copy publishes that file, not its neighbours", async () => {
    const dir = site({
      "src/favicon.ico": PNG,
      "src/draft.png": PNG,
      "src/index.njk": `{{ '/favicon.ico' | cache_bust }} {{ '/draft.png' | cache_bust(missing='ignore') }}`,
    });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/favicon.ico");
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "index.html")).toBe(`/favicon.ico?v=${sha(PNG)} /draft.png`);
  });

  test("a glob passthrough copy publishes only the files it matches", async () => {
    const dir = site({
      "src/img/a.png": PNG,
      "src/img/notes.txt": "notes\n",
      "src/index.njk": `{{ '/img/a.png' | cache_bust }} {{ '/img/notes.txt' | cache_bust(missing='ignore') }}`,
    });
    await build(dir, (c) => {
      c.addPassthroughCopy("src/img/*.png");
      c.addPlugin(cacheBust);
    });
    expect(page(dir, "index.html")).toBe(`/img/a.png?v=${sha(PNG)} /img/notes.txt`);
  });

  test("a dotfile inside a published directory is not busted", async () => {
    const dir = site({ "public/.secret": SECRET, "src/index.njk": `{{ '/.secret' | cache_bust(missing='ignore') }}` });
    await build(dir, (c) => {
      c.addPassthroughCopy({ public: "/" });
      c.addPlugin(cacheBust, { mode: "path" });
    });
    expect([page(dir, "index.html"), listing(join(dir, "_site")).filter((f) => f.startsWith(".secret."))]).toEqual([
      "/.secret",
      [],
    ]);
  });
});
