import { describe, expect, test } from "vitest";
import { sourceLayers } from "../../adapters/eleventy/roots.js";

const layout = (passthroughCopies: Record<string, { outputPath: true | string }>, dirs: string[] = []) => ({
  input: "/p/src",
  cwd: "/p",
  passthroughCopies,
  isDirectory: (path: string) => dirs.includes(path),
});

describe("the source directories searched for a URL", () => {
  test("a copy inside the input directory adds nothing: the input directory covers it", () => {
    expect(sourceLayers(layout({ "src/img": { outputPath: true } }, ["/p/src/img"]))).toEqual([{ "/": "/p/src" }]);
  });

  test("a copy from outside the input directory keeps its project path", () => {
    expect(sourceLayers(layout({ "node_modules/lib/dist": { outputPath: true } }, ["/p/node_modules/lib/dist"]))).toEqual([
      { "/node_modules/lib/dist/": "/p/node_modules/lib/dist", "/": "/p/src" },
    ]);
  });

  test("a folder mapped to a target is found under the target URL", () => {
    expect(sourceLayers(layout({ assets: { outputPath: "static/" } }, ["/p/assets"]))).toEqual([{ "/static/": "/p/assets", "/": "/p/src" }]);
  });

  test("a folder mapped to the site root comes before the input directory", () => {
    expect(sourceLayers(layout({ public: { outputPath: "/" } }, ["/p/public"]))).toEqual([{ "/": "/p/public" }, { "/": "/p/src" }]);
  });

  test("a glob with a wildcard in its last segment maps its folder to the target", () => {
    expect(sourceLayers(layout({ "vendor/*.js": { outputPath: "js" } }))).toEqual([{ "/js/": "/p/vendor", "/": "/p/src" }]);
  });

  test("a recursive glob flattened into a target maps no folder", () => {
    expect(sourceLayers(layout({ "vendor/**/*.js": { outputPath: "js" } }))).toEqual([{ "/": "/p/src" }]);
  });

  test("a file copied under its own name maps its folder", () => {
    expect(sourceLayers(layout({ "assets/favicon.ico": { outputPath: "favicon.ico" } }))).toEqual([{ "/": "/p/assets" }, { "/": "/p/src" }]);
  });

  test("two mappings to the same URL prefix are searched in the order they were added", () => {
    expect(sourceLayers(layout({ a: { outputPath: "x" }, b: { outputPath: "x" } }, ["/p/a", "/p/b"]))).toEqual([
      { "/x/": "/p/a", "/": "/p/src" },
      { "/x/": "/p/b", "/": "/p/src" },
    ]);
  });
});
