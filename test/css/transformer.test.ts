import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cssTransformer, type CssReferenceProblem } from "../../src/css/index.js";
import { CacheBustError, createCacheBuster } from "../../src/index.js";
import { put, sha, tree } from "./fixtures.js";

const FONT = "font bytes";
const IMG = "image bytes";

function buster(root: string, extra: Parameters<typeof createCacheBuster>[0] = {}) {
  return createCacheBuster({ root, transformers: [cssTransformer()], ...extra });
}

function rewritten(root: string, urlPath: string): string {
  const entry = buster(root);
  entry.url(urlPath);
  const found = entry.entries().find((e) => e.urlPath === urlPath);
  return (found?.content ?? fs.readFileSync(join(root, urlPath))).toString("utf8");
}

describe("cssTransformer", () => {
  it("busts url() relative to the stylesheet and keeps every other byte", () => {
    const css =
      "/* url(not-this.png) */\r\n.a {\r\n  background : URL( '../img/car.png' ) no-repeat /* c */ !important;\r\n}\r\n";
    const root = tree({ "css/site.css": css, "img/car.png": IMG });
    expect(rewritten(root, "/css/site.css")).toBe(css.replace("'../img/car.png'", `'../img/car.png?v=${sha(IMG)}'`));
  });

  it("busts both forms of @import", () => {
    const css = '@import "base.css" screen;\n@import url(print.css) print;\n';
    const root = tree({ "css/site.css": css, "css/base.css": "b{}", "css/print.css": "p{}" });
    expect(rewritten(root, "/css/site.css")).toBe(
      `@import "base.css?v=${sha("b{}")}" screen;\n@import url(print.css?v=${sha("p{}")}) print;\n`,
    );
  });

  it("busts the strings and url()s of image-set but not local() or format()", () => {
    const css =
      '.a{background:image-set("a.png" 1x, url(b.png) 2x type("image/png"))}\n@font-face{src:local("a.png"),url(f.woff2) format("a.png")}';
    const root = tree({ "a.png": "A", "b.png": "B", "f.woff2": FONT });
    put(root, "s.css", css);
    expect(rewritten(root, "/s.css")).toBe(
      `.a{background:image-set("a.png?v=${sha("A")}" 1x, url(b.png?v=${sha("B")}) 2x type("image/png"))}\n@font-face{src:local("a.png"),url(f.woff2?v=${sha(FONT)}) format("a.png")}`,
    );
  });

  it("keeps an existing query and fragment", () => {
    const css =
      '@font-face{src:url("f.woff2?#iefix")}.i{background:url(icons.svg#home)}.q{background:url(a.png?x=1&v=old#t)}';
    const root = tree({ "s.css": css, "f.woff2": FONT, "icons.svg": "<svg/>", "a.png": "A" });
    expect(rewritten(root, "/s.css")).toBe(
      `@font-face{src:url("f.woff2?v=${sha(FONT)}#iefix")}.i{background:url(icons.svg?v=${sha("<svg/>")}#home)}.q{background:url(a.png?x=1&v=${sha("A")}#t)}`,
    );
  });

  it("leaves data: and external URLs and @namespace alone", () => {
    const css =
      '@namespace svg url(http://www.w3.org/2000/svg);\n.a{background:url(data:image/png;base64,AAAA),url("https://cdn.example/x.png"),url(//cdn.example/y.png)}';
    const root = tree({ "s.css": css });
    expect(rewritten(root, "/s.css")).toBe(css);
  });

  it("reads CSS escapes to find the file and writes the URL back escaped", () => {
    const css = ".a{background:url(my\\ car.png)}.b{background:url('it\\'s.png')}";
    const root = tree({ "s.css": css, "my car.png": "M", "it's.png": "I" });
    expect(rewritten(root, "/s.css")).toBe(
      `.a{background:url(my\\ car.png?v=${sha("M")})}.b{background:url('it\\'s.png?v=${sha("I")}')}`,
    );
  });

  it("hashes and serves the stylesheet as its rewritten text", () => {
    const root = tree({ "s.css": ".a{background:url(a.png)}", "a.png": "A" });
    const b = buster(root);
    const text = `.a{background:url(a.png?v=${sha("A")})}`;
    expect(b.url("/s.css")).toBe(`/s.css?v=${sha(text)}`);
    expect(
      b
        .entries()
        .find((e) => e.urlPath === "/s.css")
        ?.content?.toString(),
    ).toBe(text);
    expect(b.integrity("/s.css")).toBe(`sha384-${createHash("sha384").update(text).digest("base64")}`);
  });

  it("gives the stylesheet a new URL when a font it uses changes", async () => {
    const root = tree({ "css/s.css": "@font-face{src:url(../f/a.woff2)}", "f/a.woff2": "font v1" });
    const b = buster(root, { validate: "once" });
    const before = b.url("/css/s.css");
    put(root, "f/a.woff2", "font v2!");
    b.refresh();
    const after = b.url("/css/s.css");
    expect(after).not.toBe(before);
    expect(after).toBe(`/css/s.css?v=${sha(`@font-face{src:url(../f/a.woff2?v=${sha("font v2!")})}`)}`);
  });

  it("gives the stylesheet a new URL when an image it uses changes, through an @import chain", () => {
    const root = tree({
      "site.css": '@import "parts/bg.css";',
      "parts/bg.css": ".a{background:url(../img/bg.png)}",
      "img/bg.png": "bg v1",
    });
    const b = buster(root, { validate: "once" });
    const before = b.url("/site.css");
    put(root, "img/bg.png", "bg v2");
    b.refresh();
    expect(b.url("/site.css")).not.toBe(before);
  });

  it("stops at an @import cycle and leaves the reference that closes it as written", () => {
    const root = tree({ "a.css": '@import "b.css";\n.a{}', "b.css": '@import "a.css";\n.b{}' });
    const b = buster(root);
    const bText = '@import "a.css";\n.b{}';
    expect(b.url("/a.css")).toBe(`/a.css?v=${sha(`@import "b.css?v=${sha(bText)}";\n.a{}`)}`);
  });

  it("reports a missing reference with the stylesheet, line and column", () => {
    const problems: CssReferenceProblem[] = [];
    const root = tree({ "css/s.css": ".a{}\n.b {\n  background: url(gone.png);\n}" });
    const b = createCacheBuster({ root, transformers: [cssTransformer({ onMissing: (p) => problems.push(p) })] });
    expect(b.url("/css/s.css")).toBe(`/css/s.css?v=${sha(".a{}\n.b {\n  background: url(gone.png);\n}")}`);
    expect(problems.map((p) => [p.url, p.stylesheet, p.file, p.line, p.column, p.error.code])).toEqual([
      ["gone.png", "/css/s.css", join(root, "css/s.css"), 3, 19, "MISSING_FILE"],
    ]);
  });

  it("throws for a missing reference under missing: error, naming stylesheet and line", () => {
    const root = tree({ "s.css": "\n\n.a{background:url(gone.png)}" });
    let caught: unknown;
    try {
      buster(root).url("/s.css");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CacheBustError);
    expect((caught as CacheBustError).code).toBe("MISSING_FILE");
    expect((caught as CacheBustError).message).toContain(`${join(root, "s.css")}:3:19`);
  });

  it.each(["url", "urlAsync"] as const)(
    "does not take a stylesheet whose image is missing for a missing stylesheet (%s)",
    async (method) => {
      // Under missing: "ignore" a missing stylesheet is left as written; its missing image must
      // still fail the call, and name the image.
      const root = tree({ "s.css": "a{background:url(gone.png)}" });
      const call = async () => buster(root)[method]("/s.css", { missing: "ignore" });
      await expect(call()).rejects.toMatchObject({ code: "MISSING_FILE", file: join(root, "gone.png") });
    },
  );

  it("reports a reference that leaves the root instead of reading outside it", () => {
    const problems: CssReferenceProblem[] = [];
    const root = tree({ "s.css": ".a{background:url(../../etc/passwd)}" });
    createCacheBuster({ root, transformers: [cssTransformer({ onMissing: (p) => problems.push(p) })] }).url("/s.css");
    expect(problems.map((p) => p.error.code)).toEqual(["OUTSIDE_ROOT"]);
  });

  it("writes the rewritten stylesheet and fingerprinted fonts with emit in path mode", async () => {
    const root = tree({ "css/s.css": "@font-face{src:url(../f/a.woff2?#iefix)}", "f/a.woff2": FONT });
    const out = tree();
    const b = buster(root, { mode: "path" });
    const text = `@font-face{src:url(../f/a.${sha(FONT)}.woff2?#iefix)}`;
    expect(b.url("/css/s.css")).toBe(`/css/s.${sha(text)}.css`);
    await b.emit(out);
    expect(fs.readFileSync(join(out, `css/s.${sha(text)}.css`), "utf8")).toBe(text);
    expect(fs.readFileSync(join(out, `f/a.${sha(FONT)}.woff2`), "utf8")).toBe(FONT);
  });

  it("leaves a stylesheet that is not UTF-8 byte-for-byte", () => {
    const bytes = Buffer.concat([
      Buffer.from('@charset "iso-8859-1";\n.a{content:"caf'),
      Buffer.from([0xe9]),
      Buffer.from('";background:url(a.png)}'),
    ]);
    const root = tree({ "s.css": bytes, "a.png": "A" });
    const b = buster(root);
    expect(b.url("/s.css")).toBe(`/s.css?v=${sha(bytes)}`);
    expect(b.entries().find((e) => e.urlPath === "/s.css")?.content).toBeUndefined();
  });

  it("keeps no rewritten copy of a stylesheet without local references", () => {
    const css = "a{color:red}";
    const root = tree({ "s.css": css });
    const b = buster(root);
    expect(b.url("/s.css")).toBe(`/s.css?v=${sha(css)}`);
    expect(b.entries()[0]?.content).toBeUndefined();
  });
});
