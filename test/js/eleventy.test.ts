import * as fs from "node:fs";
import { join } from "node:path";
import Eleventy from "@11ty/eleventy";
import { describe, expect, it } from "vitest";
import cacheBust from "../../adapters/eleventy.js";
import { put, sha, tree } from "./fixtures.js";

const UTIL = "export const msg = 'one';\n";
const APP = 'import { msg } from "./util.js";\ndocument.body.dataset.msg = msg;\n';
const PAGE = '<!doctype html><html><head><script type="module" src="/js/app.js"></script></head><body></body></html>\n';

/** A real Eleventy build of `dir/src` into `dir/_site`, run from inside `dir` as the CLI would. */
async function build(dir: string, options: Record<string, unknown>): Promise<void> {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    const elev = new Eleventy("src", "_site", {
      quietMode: true,
      config: (c: { addPassthroughCopy(m: Record<string, string>): void; addPlugin(p: unknown, o: unknown): void }) => {
        c.addPassthroughCopy({ "src/js": "js" });
        c.addPlugin(cacheBust, options);
      },
    });
    await elev.write();
  } finally {
    process.chdir(previous);
  }
}

function site(): string {
  return tree({ "src/index.html": PAGE, "src/js/app.js": APP, "src/js/util.js": UTIL });
}

const out = (dir: string, path: string) => fs.readFileSync(join(dir, "_site", path), "utf8");

describe("the Eleventy plugin's js option", () => {
  it("js: true rewrites the imports of the modules auto busts, and writes them to the output", async () => {
    const dir = site();
    await build(dir, { auto: true, js: true });
    const rewritten = APP.replace('"./util.js"', `"./util.js?v=${sha(UTIL)}"`);
    expect(out(dir, "js/app.js")).toBe(rewritten);
    expect(out(dir, "index.html")).toContain(`src="/js/app.js?v=${sha(rewritten)}"`);
  });

  it("js: true gives the page a new module URL when only an imported module changed", async () => {
    const dir = site();
    await build(dir, { auto: true, js: true });
    const before = out(dir, "index.html");
    put(dir, "src/js/util.js", "export const msg = 'two';\n");
    await build(dir, { auto: true, js: true });
    expect(out(dir, "index.html")).not.toBe(before);
    expect(out(dir, "js/app.js")).toContain(`./util.js?v=${sha("export const msg = 'two';\n")}`);
  });

  it('js: "importmap" leaves the modules as they are and maps their imports in each page', async () => {
    const dir = site();
    await build(dir, { auto: true, js: "importmap" });
    expect(out(dir, "js/app.js")).toBe(APP);
    const html = out(dir, "index.html");
    expect(html).toContain(
      `<script type="importmap">{"imports":{"/js/util.js":"/js/util.js?v=${sha(UTIL)}"}}</script><script type="module" src="/js/app.js?v=${sha(APP)}">`,
    );
  });

  it("refuses a js option it does not know, with BAD_ARGUMENT", async () => {
    const dir = site();
    // Eleventy wraps a plugin's error; the plugin's own is inside, with its code.
    await expect(build(dir, { js: "bundle" })).rejects.toMatchObject({ originalError: { code: "BAD_ARGUMENT" } });
  });
});
