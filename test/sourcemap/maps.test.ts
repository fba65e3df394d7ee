import * as fs from "node:fs";
import { join } from "node:path";
import { TraceMap, eachMapping, type EachMapping } from "@jridgewell/trace-mapping";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { cssTransformer } from "../../src/css/index.js";
import { createCacheBuster, type CacheBuster } from "../../src/index.js";
import { jsTransformer, type SourceMapWarning } from "../../src/js/index.js";
import { sha, tree } from "../js/fixtures.js";

const APP_SOURCE = `import { format } from "./format.js";
import { clamp } from "./math.js";
export * from "./extra.js";

export async function render(element, value) {
  const lazy = await import("./lazy.js");
  const icon = new URL("../img/icon.png", import.meta.url);
  element.textContent = format(clamp(value, 0, 100)) + lazy.suffix;
  element.style.backgroundImage = "url(" + icon + ")";
  return element;
}
`;
const CSS_SOURCE = `@import "base.css";
.hero { background: url("../img/icon.png") no-repeat; color: red; }
.logo { background-image: url(../img/logo.png); margin: 0 auto; }
`;

/** A real minifier's output: one line, every column after a URL moved by its busting. */
function minified(source: string, loader: "js" | "css", name: string): { code: string; map: string } {
  const out = transformSync(source, {
    loader,
    minify: true,
    sourcemap: "external",
    sourcefile: `src/${name}`,
    format: loader === "js" ? "esm" : undefined,
  });
  return {
    code: `${out.code}${loader === "js" ? `//# sourceMappingURL=${name}.map` : `/*# sourceMappingURL=${name}.map */`}\n`,
    map: out.map,
  };
}

function site() {
  const js = minified(APP_SOURCE, "js", "app.js");
  const css = minified(CSS_SOURCE, "css", "site.css");
  const root = tree({
    "js/app.js": js.code,
    "js/app.js.map": js.map,
    "js/format.js": "export const format = String;",
    "js/math.js": "export const clamp = Math.min;",
    "js/extra.js": "export const extra = 1;",
    "js/lazy.js": "export const suffix = '%';",
    "img/icon.png": "PNG",
    "img/logo.png": "LOGO",
    "css/site.css": css.code,
    "css/site.css.map": css.map,
    "css/base.css": "b{}",
  });
  return { root, js, css };
}

function busterFor(root: string, warnings: SourceMapWarning[] = [], mode: "query" | "path" = "query"): CacheBuster {
  const onSourceMapWarning = (w: SourceMapWarning) => warnings.push(w);
  return createCacheBuster({
    root,
    mode,
    transformers: [jsTransformer({ onSourceMapWarning }), cssTransformer({ onSourceMapWarning })],
  });
}

function served(b: CacheBuster, root: string, urlPath: string): string {
  b.url(urlPath);
  const found = b.entries().find((e) => e.urlPath === urlPath);
  return (found?.content ?? fs.readFileSync(join(root, urlPath))).toString("utf8");
}

function mappings(map: string): EachMapping[] {
  const out: EachMapping[] = [];
  eachMapping(new TraceMap(map), (m) => out.push({ ...m }));
  return out;
}

/** The token that starts at a position: a run of name characters, or one other character. */
function tokenAt(code: string, line: number, column: number): string {
  const text = code.split(/\r\n|\n|\r/)[line - 1] ?? "";
  return /^[\w$]+|^[^]/.exec(text.slice(column))?.[0] ?? "";
}

/** Every mapping, before and after, points at the same original place and the same generated token. */
function expectSameMappings(before: { code: string; map: string }, after: { code: string; map: string }): number {
  const old = mappings(before.map);
  const now = mappings(after.map);
  expect(now.length).toBe(old.length);
  let moved = 0;
  old.forEach((m, i) => {
    const n = now[i] as EachMapping;
    expect([n.source, n.originalLine, n.originalColumn, n.name]).toEqual([
      m.source,
      m.originalLine,
      m.originalColumn,
      m.name,
    ]);
    expect(n.generatedLine).toBe(m.generatedLine);
    const token = tokenAt(before.code, m.generatedLine, m.generatedColumn);
    // A token inside a busted URL is the URL's start now; every other token is where it was.
    if (token !== '"' && token !== "(") expect(tokenAt(after.code, n.generatedLine, n.generatedColumn)).toBe(token);
    if (n.generatedColumn !== m.generatedColumn) moved++;
  });
  return moved;
}

describe("source maps of rewritten files", () => {
  it("keeps every mapping of a minified module pointing at the same original line and column", () => {
    const { root, js } = site();
    const b = busterFor(root);
    const code = served(b, root, "/js/app.js");
    expect(code).not.toBe(js.code);
    const moved = expectSameMappings(js, { code, map: served(b, root, "/js/app.js.map") });
    expect(moved).toBeGreaterThan(10);
  });

  it("keeps every mapping of a minified stylesheet pointing at the same original line and column", () => {
    const { root, css } = site();
    const b = busterFor(root);
    const code = served(b, root, "/css/site.css");
    expect(code).toContain(`icon.png?v=${sha("PNG")}`);
    const moved = expectSameMappings(css, { code, map: served(b, root, "/css/site.css.map") });
    expect(moved).toBeGreaterThan(3);
  });

  it("busts the sourceMappingURL with the hash of the rewritten map", () => {
    const { root } = site();
    const b = busterFor(root);
    const code = served(b, root, "/js/app.js");
    const map = served(b, root, "/js/app.js.map");
    expect(code.endsWith(`//# sourceMappingURL=app.js.map?v=${sha(map)}\n`)).toBe(true);
    expect(b.hash("/js/app.js.map")).toBe(sha(map));
  });

  it("gives the same rewritten map whether the map or its script is asked for first", () => {
    const first = site();
    const mapFirst = busterFor(first.root);
    const map = served(mapFirst, first.root, "/js/app.js.map");
    const scriptFirst = busterFor(first.root);
    served(scriptFirst, first.root, "/js/app.js");
    expect(served(scriptFirst, first.root, "/js/app.js.map")).toBe(map);
  });

  it("keeps the mappings right in path mode, where names grow by a fingerprint", () => {
    const { root, js } = site();
    const b = busterFor(root, [], "path");
    const code = served(b, root, "/js/app.js");
    expect(code).toContain(`./format.${sha("export const format = String;")}.js`);
    expectSameMappings(js, { code, map: served(b, root, "/js/app.js.map") });
  });

  it("shifts an inline source map with the file", () => {
    const js = minified(APP_SOURCE, "js", "app.js");
    const inline = js.code.replace(
      "sourceMappingURL=app.js.map",
      `sourceMappingURL=data:application/json;base64,${Buffer.from(js.map).toString("base64")}`,
    );
    const { root } = site();
    fs.writeFileSync(join(root, "js/app.js"), inline);
    const code = served(busterFor(root), root, "/js/app.js");
    const url = /sourceMappingURL=data:application\/json;base64,(\S+)/.exec(code)?.[1] as string;
    expectSameMappings(js, { code, map: Buffer.from(url, "base64").toString("utf8") });
  });

  it("still busts a script whose map is missing, with a MAP_MISSING warning", () => {
    const { root } = site();
    fs.rmSync(join(root, "js/app.js.map"));
    const warnings: SourceMapWarning[] = [];
    const code = served(busterFor(root, warnings), root, "/js/app.js");
    expect(code).toContain(`./format.js?v=`);
    expect(code.endsWith("//# sourceMappingURL=app.js.map\n")).toBe(true);
    expect(warnings.map((w) => [w.code, w.file])).toEqual([["MAP_MISSING", join(root, "js/app.js")]]);
  });

  it("still busts a script whose map is not a source map, with a MAP_INVALID warning", () => {
    const { root } = site();
    fs.writeFileSync(join(root, "js/app.js.map"), "{ not json");
    const warnings: SourceMapWarning[] = [];
    const b = busterFor(root, warnings);
    const code = served(b, root, "/js/app.js");
    expect(code.endsWith(`//# sourceMappingURL=app.js.map?v=${sha("{ not json")}\n`)).toBe(true);
    expect(warnings.map((w) => [w.code, w.file])).toEqual([["MAP_INVALID", join(root, "js/app.js.map")]]);
  });

  it("warns MAP_ELSEWHERE for a map not named after its file, and still busts its URL", () => {
    const { root, js } = site();
    fs.writeFileSync(
      join(root, "js/app.js"),
      js.code.replace("sourceMappingURL=app.js.map", "sourceMappingURL=../maps/app.map"),
    );
    fs.mkdirSync(join(root, "maps"));
    fs.writeFileSync(join(root, "maps/app.map"), js.map);
    const warnings: SourceMapWarning[] = [];
    const code = served(busterFor(root, warnings), root, "/js/app.js");
    expect(code).toContain(`sourceMappingURL=../maps/app.map?v=${sha(js.map)}`);
    expect(warnings.map((w) => w.code)).toEqual(["MAP_ELSEWHERE"]);
  });
});
