import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { importMapFor, insertImportMap, moduleGraph } from "../../src/js/index.js";
import { put, sha, tree } from "./fixtures.js";

const APP =
  'import { x } from "./util.js";\nimport "lit";\nconst later = () => import("../lib/lazy.js?x=1");\nconst img = new URL("./img.png", import.meta.url);\n';
const UTIL = 'export * from "/lib/deep.js";\nexport const x = 1;\n';
const FILES = {
  "js/app.js": APP,
  "js/util.js": UTIL,
  "lib/lazy.js": "L",
  "lib/deep.js": 'import "../js/util.js";',
  "js/img.png": "P",
};

function setup(files: Record<string, string> = FILES) {
  const root = tree(files);
  const graph = moduleGraph();
  const buster = createCacheBuster({ root, transformers: [graph.transformer] });
  return { root, graph, buster };
}

describe("import maps", () => {
  it("maps every local module a page can reach, through cycles, to its busted URL", () => {
    const { graph, buster } = setup();
    const html = '<!doctype html><script type="module" src="/js/app.js"></script>';
    expect(importMapFor(html, buster, graph, "/")).toEqual({
      imports: {
        "/js/util.js": `/js/util.js?v=${sha(UTIL)}`,
        "/lib/lazy.js?x=1": `/lib/lazy.js?x=1&v=${sha("L")}`,
        "/lib/deep.js": `/lib/deep.js?v=${sha('import "../js/util.js";')}`,
      },
    });
  });

  it("leaves the modules' bytes untouched, so each is hashed as itself", () => {
    const { graph, buster } = setup();
    importMapFor('<script type="module" src="/js/app.js"></script>', buster, graph);
    expect(
      buster
        .entries()
        .every((e) => e.content === undefined && e.hash === sha(FILES[e.urlPath.slice(1) as keyof typeof FILES])),
    ).toBe(true);
  });

  it("renames only the module that changed", () => {
    const { root, graph, buster } = setup();
    const html = '<script type="module" src="/js/app.js"></script>';
    const before = importMapFor(html, buster, graph).imports;
    put(root, "lib/deep.js", 'import "../js/util.js"; // changed');
    const after = importMapFor(html, buster, graph).imports;
    expect(after["/lib/deep.js"]).not.toBe(before["/lib/deep.js"]);
    expect(after["/js/util.js"]).toBe(before["/js/util.js"]);
  });

  it("inserts one import map before the first module script and keeps the rest of the page", () => {
    const { graph, buster } = setup();
    const html =
      '<!doctype html><html><head><title>t</title>\n<link rel="modulepreload" href="js/util.js">\n<script type="module" src="js/app.js"></script></head><body></body></html>';
    const out = insertImportMap(html, buster, graph, "/index.html");
    const at = html.indexOf('<link rel="modulepreload"');
    expect(out.slice(0, at)).toBe(html.slice(0, at));
    expect(out.slice(out.length - (html.length - at))).toBe(html.slice(at));
    const inserted = out.slice(at, out.length - (html.length - at));
    expect(inserted).toMatch(/^<script type="importmap">\{.*\}<\/script>$/);
    expect(JSON.parse(inserted.replace(/^<script type="importmap">|<\/script>$/g, "")).imports["/js/util.js"]).toBe(
      `/js/util.js?v=${sha(UTIL)}`,
    );
  });

  it("follows the imports of inline module scripts, relative to the page", () => {
    const { graph, buster } = setup();
    const html = '<script type="module">import "../lib/lazy.js"; import "lit";</script>';
    expect(importMapFor(html, buster, graph, "/blog/post.html").imports).toEqual({
      "/lib/lazy.js": `/lib/lazy.js?v=${sha("L")}`,
    });
  });

  it("completes the page's own import map, whose entries win", () => {
    const { graph, buster } = setup();
    const html =
      '<script type="importmap">{"imports":{"lit":"/vendor/lit.js","/js/util.js":"/js/util-pinned.js"}}</script><script type="module" src="/js/app.js"></script>';
    const out = insertImportMap(html, buster, graph);
    const json = JSON.parse(/<script type="importmap">(.*?)<\/script>/.exec(out)?.[1] as string);
    expect(json.imports.lit).toBe("/vendor/lit.js");
    expect(json.imports["/js/util.js"]).toBe("/js/util-pinned.js");
    expect(json.imports["/lib/deep.js"]).toBe(`/lib/deep.js?v=${sha('import "../js/util.js";')}`);
    expect(out.match(/type="importmap"/g)).toHaveLength(1);
  });

  it("leaves a page without module scripts unchanged", () => {
    const { graph, buster } = setup();
    const html =
      '<script src="/js/app.js"></script><template><script type="module" src="/js/app.js"></script></template>';
    expect(insertImportMap(html, buster, graph)).toBe(html);
  });

  it("writes JSON that cannot close its script element", () => {
    const { graph, buster } = setup({ "app.js": 'import "./a</script><b>.js";', "a</script><b>.js": "A" });
    const out = insertImportMap('<script type="module" src="/app.js"></script>', buster, graph);
    expect(out.match(/<\/script>/g)).toHaveLength(2);
  });
});
