import { describe, expect, test } from "vitest";
import { plainUrl } from "../../adapters/eleventy/images.js";
import { layerPublishes, sourceLayers } from "../../adapters/eleventy/roots.js";

const layout = (passthroughCopies: Record<string, { outputPath: true | string }>, dirs: string[] = []) => ({
  input: "/p/src",
  output: "/p/_site",
  cwd: "/p",
  passthroughCopies,
  isDirectory: (path: string) => dirs.includes(path),
});

/** The roots of each layer, and whether each layer publishes `urlPath`. */
const roots = (l: ReturnType<typeof layout>) => sourceLayers(l).map((layer) => layer.roots);
const publishes = (l: ReturnType<typeof layout>, urlPath: string) =>
  sourceLayers(l).map((layer) => layerPublishes(layer, urlPath));

describe("the published source directories searched for a URL", () => {
  test("a copy inside the input directory maps its URL to its folder, and the rest of / to the output", () => {
    expect(roots(layout({ "src/img": { outputPath: true } }, ["/p/src/img"]))).toEqual([
      { "/img/": "/p/src/img", "/": "/p/_site" },
    ]);
  });

  test("no passthrough copy means no source directory at all: the input directory is not published", () => {
    expect(roots(layout({}))).toEqual([]);
  });

  test("a copy from outside the input directory keeps its project path", () => {
    expect(roots(layout({ "node_modules/lib/dist": { outputPath: true } }, ["/p/node_modules/lib/dist"]))).toEqual([
      { "/node_modules/lib/dist/": "/p/node_modules/lib/dist", "/": "/p/_site" },
    ]);
  });

  test("a folder mapped to a target is found under the target URL", () => {
    expect(roots(layout({ assets: { outputPath: "static/" } }, ["/p/assets"]))).toEqual([
      { "/static/": "/p/assets", "/": "/p/_site" },
    ]);
  });

  test("a folder mapped to the site root is searched at /", () => {
    expect(roots(layout({ public: { outputPath: "/" } }, ["/p/public"]))).toEqual([{ "/": "/p/public" }]);
  });

  test("a glob with a wildcard in its last segment maps its folder to the target", () => {
    expect(roots(layout({ "vendor/*.js": { outputPath: "js" } }))).toEqual([{ "/js/": "/p/vendor", "/": "/p/_site" }]);
  });

  test("a recursive glob flattened into a target maps no folder", () => {
    expect(roots(layout({ "vendor/**/*.js": { outputPath: "js" } }))).toEqual([]);
  });

  test("a file copied under its own name maps its folder", () => {
    expect(roots(layout({ "assets/favicon.ico": { outputPath: "favicon.ico" } }))).toEqual([{ "/": "/p/assets" }]);
  });

  test("a single file copied publishes that file and not its neighbours", () => {
    const l = layout({ "src/favicon.ico": { outputPath: true } });
    expect([publishes(l, "/favicon.ico"), publishes(l, "/secret.txt")]).toEqual([[true], [false]]);
  });

  test("a glob publishes the files it matches and no dotfile", () => {
    const l = layout({ "src/img/*.png": { outputPath: true } });
    expect([publishes(l, "/img/a.png"), publishes(l, "/img/a.txt"), publishes(l, "/img/.a.png")]).toEqual([
      [true],
      [false],
      [false],
    ]);
  });

  test("a published folder does not publish its dotfiles", () => {
    const l = layout({ public: { outputPath: "/" } }, ["/p/public"]);
    expect([publishes(l, "/app.js"), publishes(l, "/.env"), publishes(l, "/.git/config")]).toEqual([
      [true],
      [false],
      [false],
    ]);
  });

  test("two mappings to the same URL prefix are searched in the order they were added", () => {
    expect(roots(layout({ a: { outputPath: "x" }, b: { outputPath: "x" } }, ["/p/a", "/p/b"]))).toEqual([
      { "/x/": "/p/a", "/": "/p/_site" },
      { "/x/": "/p/b", "/": "/p/_site" },
    ]);
  });
});

describe("the plain URL eleventy-img is given", () => {
  const query = { mode: "query", param: "v", length: 10 } as const;
  test("loses the hash this package added in query mode, and keeps the rest of the query", () => {
    expect(plainUrl("/img/a.png?x=1&v=0123456789#f", query)).toBe("/img/a.png?x=1#f");
  });

  test("keeps a v= that is not a hash of the configured length", () => {
    expect(plainUrl("/img/a.png?v=2", query)).toBe("/img/a.png?v=2");
  });

  test("loses the fingerprint in path mode", () => {
    expect(plainUrl("/img/a.0123456789.png", { ...query, mode: "path" })).toBe("/img/a.png");
  });
});
