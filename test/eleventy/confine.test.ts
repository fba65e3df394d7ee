import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import cacheBust from "../../adapters/eleventy.js";
import { build, cacheBustCause, page, rejection, sha, site } from "./fixtures.js";

// Nothing the plugin writes may land outside the output directory, through a symlink or otherwise.
const LIB = ".x{background:url(img.png)}";
const PNG = "png bytes\n";

/** A project exposing a package's files through `src/css/vendor -> ../../node_modules/some-lib/dist`. */
function vendorProject(): string {
  const dir = site({
    "node_modules/some-lib/dist/lib.css": LIB,
    "node_modules/some-lib/dist/img.png": PNG,
    "src/index.njk": `<link href="{{ '/css/vendor/lib.css' | cache_bust }}">`,
  });
  fs.mkdirSync(join(dir, "src/css"), { recursive: true });
  fs.symlinkSync("../../node_modules/some-lib/dist", join(dir, "src/css/vendor"));
  return dir;
}

describe("the Eleventy plugin writes only inside the output directory", () => {
  test("a stylesheet reached through a symlinked directory leaves the package's file untouched", async () => {
    const dir = vendorProject();
    await build(dir, (c) => {
      c.addPassthroughCopy("src/css");
      c.addPlugin(cacheBust, { missing: "ignore" });
    }).catch(() => undefined);
    expect(fs.readFileSync(join(dir, "node_modules/some-lib/dist/lib.css"), "utf8")).toBe(LIB);
  });

  test("a stylesheet reached through a symlink is busted as the bytes the link serves", async () => {
    const dir = vendorProject();
    await build(dir, (c) => {
      c.addPassthroughCopy("src/css");
      c.addPlugin(cacheBust, { onWarning: () => undefined });
    });
    expect(page(dir, "index.html")).toBe(`<link href="/css/vendor/lib.css?v=${sha(LIB)}">`);
  });

  test("manifestFile through a symlinked directory of the output is refused with OUTSIDE_OUTPUT", async () => {
    const dir = site({ "src/app.js": "1\n", "src/index.njk": `{{ '/app.js' | cache_bust }}`, "elsewhere/.keep": "" });
    fs.mkdirSync(join(dir, "_site"));
    fs.symlinkSync("../elsewhere", join(dir, "_site/linkdir"));
    const error = await rejection(
      build(dir, (c) => {
        c.addPassthroughCopy("src/app.js");
        c.addPlugin(cacheBust, { manifestFile: "linkdir/m.json" });
      }),
    );
    expect([cacheBustCause(error)?.code, fs.existsSync(join(dir, "elsewhere/m.json"))]).toEqual([
      "OUTSIDE_OUTPUT",
      false,
    ]);
  });

  test("an absolute manifestFile is refused with BAD_ARGUMENT", () => {
    let code: unknown;
    try {
      cacheBust({ addFilter() {}, on() {} } as any, { manifestFile: "/abs/m.json" });
    } catch (error) {
      code = (error as { code?: unknown }).code;
    }
    expect(code).toBe("BAD_ARGUMENT");
  });
});
