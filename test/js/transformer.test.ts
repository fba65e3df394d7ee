import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCacheBuster, isCacheBustError, type CacheBuster } from "../../src/index.js";
import { jsTransformer, type JsReferenceProblem } from "../../src/js/index.js";
import { put, sha, tree } from "./fixtures.js";

function buster(root: string, extra: Parameters<typeof createCacheBuster>[0] = {}): CacheBuster {
  return createCacheBuster({ root, transformers: [jsTransformer()], ...extra });
}

/** What the buster serves for `urlPath`: the rewritten text, or the file's own. */
function served(b: CacheBuster, root: string, urlPath: string): string {
  b.url(urlPath);
  const found = b.entries().find((e) => e.urlPath === urlPath);
  return (found?.content ?? fs.readFileSync(join(root, urlPath))).toString("utf8");
}

const UTIL = "export const x = 1;\n";

describe("jsTransformer", () => {
  it("busts static imports relative to the module and keeps every other byte", () => {
    const app =
      '/* import "./no.js" */\r\nimport { x } from "./util.js";\r\nimport def, * as all from \'../lib/b.js\';\r\nconsole.log(x, def, all);\r\n';
    const root = tree({ "js/app.js": app, "js/util.js": UTIL, "lib/b.js": "export default 2;" });
    const out = served(buster(root), root, "/js/app.js");
    expect(out).toBe(
      app
        .replace('"./util.js"', `"./util.js?v=${sha(UTIL)}"`)
        .replace("'../lib/b.js'", `'../lib/b.js?v=${sha("export default 2;")}'`),
    );
  });

  it("busts re-exports of every form", () => {
    const app = 'export * from "./a.js";\nexport * as ns from "./b.js";\nexport { q as r } from "./c.js";\n';
    const root = tree({ "app.js": app, "a.js": "A", "b.js": "B", "c.js": "C" });
    expect(served(buster(root), root, "/app.js")).toBe(
      `export * from "./a.js?v=${sha("A")}";\nexport * as ns from "./b.js?v=${sha("B")}";\nexport { q as r } from "./c.js?v=${sha("C")}";\n`,
    );
  });

  it("busts import() of a string literal and leaves computed ones alone", () => {
    const app =
      'const a = import("./a.js");\nconst b = import(name);\nconst c = import(`./t/${name}.js`);\nconst d = import("./" + "a.js");\n';
    const root = tree({ "app.js": app, "a.js": "A" });
    expect(served(buster(root), root, "/app.js")).toBe(
      app.replace('import("./a.js")', `import("./a.js?v=${sha("A")}")`),
    );
  });

  it("busts new URL() with import.meta.url, and leaves a service worker's registration alone", () => {
    const app = [
      'const img = new URL("../img/car.png", import.meta.url);',
      "const w = new Worker(new URL( './worker.js' , import.meta.url ), { type: 'module' });",
      'navigator.serviceWorker.register(new URL("./sw.js", import.meta.url));',
      'navigator.serviceWorker.register("/sw.js");',
      'const other = new URL("./a.js", base);',
      "console.log(import.meta.url);",
      "",
    ].join("\n");
    const root = tree({
      "js/app.js": app,
      "img/car.png": "PNG",
      "js/worker.js": "W",
      "js/sw.js": "SW",
      "sw.js": "SW",
      "js/a.js": "A",
    });
    expect(served(buster(root), root, "/js/app.js")).toBe(
      app
        .replace('"../img/car.png"', `"../img/car.png?v=${sha("PNG")}"`)
        .replace("'./worker.js'", `'./worker.js?v=${sha("W")}'`),
    );
  });

  it("keeps a query and a fragment, replacing only its own parameter", () => {
    const app = 'import "./a.js?x=1#top";\nimport "./b.js?v=old";\n';
    const root = tree({ "app.js": app, "a.js": "A", "b.js": "B" });
    expect(served(buster(root), root, "/app.js")).toBe(
      `import "./a.js?x=1&v=${sha("A")}#top";\nimport "./b.js?v=${sha("B")}";\n`,
    );
  });

  it("leaves bare, remote and protocol-relative specifiers alone", () => {
    const app =
      'import "lit";\nimport "@scope/pkg/x.js";\nimport "https://cdn.example/a.js";\nimport "//cdn.example/b.js";\nimport "data:text/javascript,1";\n';
    const root = tree({ "app.js": app, lit: "no", "@scope/pkg/x.js": "no" });
    expect(served(buster(root), root, "/app.js")).toBe(app);
  });

  it("leaves strings and comments that look like imports alone", () => {
    const app = [
      'const s = "import \\"./a.js\\"";',
      "const t = `import('./a.js')`;",
      "// import './a.js'",
      "/* export * from './a.js' */",
      "const re = /import '.\\/a.js'/;",
      'import "./b.js";',
      "",
    ].join("\n");
    const root = tree({ "app.js": app, "a.js": "A", "b.js": "B" });
    expect(served(buster(root), root, "/app.js")).toBe(app.replace('"./b.js"', `"./b.js?v=${sha("B")}"`));
  });

  it("leaves TypeScript's type-only imports alone, but not a default import named type", () => {
    const app =
      'import type { T } from "./t.js";\nimport type * as N from "./t.js";\nimport type D from "./t.js";\nexport type { T } from "./t.js";\nimport type from "./a.js";\n';
    const root = tree({ "app.js": app, "t.js": "T", "a.js": "A" });
    expect(served(buster(root), root, "/app.js")).toBe(
      app.replace('type from "./a.js"', `type from "./a.js?v=${sha("A")}"`),
    );
  });

  it("busts root-relative specifiers and import attributes' modules", () => {
    const app = 'import data from "/data/d.json" with { type: "json" };\n';
    const root = tree({ "js/app.js": app, "data/d.json": "{}" });
    expect(served(buster(root), root, "/js/app.js")).toBe(
      app.replace('"/data/d.json"', `"/data/d.json?v=${sha("{}")}"`),
    );
  });

  it("fingerprints file names in path mode", () => {
    const root = tree({ "js/app.js": 'import "./util.js";', "js/util.js": UTIL });
    expect(served(buster(root, { mode: "path" }), root, "/js/app.js")).toBe(`import "./util.${sha(UTIL)}.js";`);
  });

  it("gives an importer a new hash when a module it imports changes (cascade through the graph)", () => {
    const root = tree({ "js/app.js": 'import "./mid.js";', "js/mid.js": 'import "./leaf.js";', "js/leaf.js": "1" });
    const b = buster(root, { validate: "once" });
    const before = b.url("/js/app.js");
    put(root, "js/leaf.js", "2");
    b.refresh();
    const after = b.url("/js/app.js");
    expect(after).not.toBe(before);
    expect(served(b, root, "/js/mid.js")).toBe(`import "./leaf.js?v=${sha("2")}";`);
    expect(after).toBe(`/js/app.js?v=${sha(`import "./mid.js?v=${sha(`import "./leaf.js?v=${sha("2")}";`)}";`)}`);
  });

  it("resolves one spelling against each module's own folder", () => {
    const root = tree({
      "a/app.js": 'import "./u.js";',
      "a/u.js": "A",
      "b/app.js": 'import "./u.js";',
      "b/u.js": "B",
    });
    const b = buster(root, { validate: "once" });
    expect(served(b, root, "/a/app.js")).toBe(`import "./u.js?v=${sha("A")}";`);
    expect(served(b, root, "/b/app.js")).toBe(`import "./u.js?v=${sha("B")}";`);
  });

  it("gives every importer of a changed module its new hash after refresh, also one whose spelling was answered before", () => {
    const root = tree({ "js/a.js": 'import "./leaf.js";', "js/b.js": 'import "./leaf.js";', "js/leaf.js": "1" });
    const b = buster(root, { validate: "once" });
    b.url("/js/a.js");
    b.url("/js/b.js");
    put(root, "js/leaf.js", "22");
    b.refresh();
    expect(served(b, root, "/js/a.js")).toBe(`import "./leaf.js?v=${sha("22")}";`);
    expect(served(b, root, "/js/b.js")).toBe(`import "./leaf.js?v=${sha("22")}";`);
  });

  it("names a module's new hash in a build once the buster has seen it change, not the hash answered before", () => {
    const root = tree({ "js/a.js": 'import "./leaf.js";', "js/b.js": 'import "./leaf.js";', "js/leaf.js": "1" });
    const b = buster(root, { validate: "once" });
    expect(served(b, root, "/js/a.js")).toBe(`import "./leaf.js?v=${sha("1")}";`);
    put(root, "js/leaf.js", "22");
    // Digesting it again for integrity sees the change: the entry read before is forgotten.
    expect(b.integrity("/js/leaf.js")).toBe(`sha384-${createHash("sha384").update("22").digest("base64")}`);
    expect(b.hash("/js/leaf.js")).toBe(sha("22"));
    expect(served(b, root, "/js/b.js")).toBe(`import "./leaf.js?v=${sha("22")}";`);
  });

  it("terminates on an import cycle, leaving the edge that closes it as written", () => {
    const root = tree({ "a.js": 'import "./b.js";', "b.js": 'import "./a.js";' });
    expect(served(buster(root), root, "/a.js")).toBe(`import "./b.js?v=${sha('import "./a.js";')}";`);
  });

  it("rewrites an escaped specifier without escapes", () => {
    const app = 'import "./\\u0061.js";';
    const root = tree({ "app.js": app, "a.js": "A" });
    expect(served(buster(root), root, "/app.js")).toBe(`import "./a.js?v=${sha("A")}";`);
  });

  it("throws MISSING_FILE naming the module, line and column for an import of no file", () => {
    const root = tree({ "js/app.js": '\n  import "./gone.js";' });
    try {
      buster(root).url("/js/app.js");
      expect.unreachable();
    } catch (error) {
      expect(isCacheBustError(error) && error.code).toBe("MISSING_FILE");
      expect((error as Error).message).toContain(`${join(root, "js/app.js")}:2:11`);
    }
  });

  it("reports a missing import to onMissing and leaves it as written", () => {
    const root = tree({ "js/app.js": 'import "./gone.js";\nimport "./u.js";', "js/u.js": "U" });
    const problems: JsReferenceProblem[] = [];
    const b = createCacheBuster({ root, transformers: [jsTransformer({ onMissing: (p) => problems.push(p) })] });
    expect(served(b, root, "/js/app.js")).toBe(`import "./gone.js";\nimport "./u.js?v=${sha("U")}";`);
    expect(problems.map((p) => [p.url, p.module, p.line, p.column, p.error.code])).toEqual([
      ["./gone.js", "/js/app.js", 1, 9, "MISSING_FILE"],
    ]);
  });

  it("throws JS_SYNTAX with the file, line and column for a module the lexer cannot read", () => {
    const root = tree({ "js/app.js": 'import "./a.js";\nconst s = "unclosed;\n' });
    try {
      buster(root).url("/js/app.js");
      expect.unreachable();
    } catch (error) {
      expect(isCacheBustError(error) && error.code).toBe("JS_SYNTAX");
      expect((error as Error).message).toContain(`${join(root, "js/app.js")}:2:`);
      expect(error).toMatchObject({ file: join(root, "js/app.js"), line: 2 });
    }
  });

  it("hashes a module without local imports as its own bytes", () => {
    const app = 'import "lit"; export const a = 1;';
    const root = tree({ "app.js": app });
    expect(buster(root).hash("/app.js")).toBe(sha(app));
  });
});
