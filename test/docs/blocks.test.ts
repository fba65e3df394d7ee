// How the examples test reads markdown: which blocks run and which comments are checked.
import { describe, expect, it } from "vitest";
import { blocksOf, expectedText, instrument, pattern, runnable } from "./blocks.js";

const page = [
  "Text.",
  "",
  "```js",
  'x.url("/a"); // "/a?v=<hash>"',
  "```",
  "",
  "<!-- norun: an Eleventy config -->",
  "```js",
  "eleventyConfig.addPlugin(p);",
  "```",
  "",
  "<!-- run -->",
  "```sh",
  "npx cache-id public",
  "```",
  "",
  "```sh",
  "npm test",
  "```",
].join("\n");

describe("the examples reader", () => {
  it("runs js blocks, except those marked norun, and sh blocks only when marked run", () => {
    expect(blocksOf("page.md", page).map((b) => [b.lang, b.line, runnable(b)])).toEqual([
      ["js", 3, true],
      ["js", 8, false],
      ["sh", 13, true],
      ["sh", 17, false],
    ]);
  });

  it("checks a statement's quoted result comment and leaves prose comments alone", () => {
    const code = instrument('a.url("/x"); // "/x?v=…" (the file\'s hash)\nb(); // same as above\n');
    expect(code).toContain('__expect(await (a.url("/x")), /^\\/x\\?v=[^]*?$/, "/x?v=…", 1);');
    expect(code).toContain("b(); // same as above");
  });

  it("checks an HTML result written on the comment line after the statement", () => {
    expect(instrument('render();\n// <img src="/a.jpg">\n')).toContain(
      '__expect(await (render()), /^<img src="\\/a\\.jpg">$/',
    );
  });

  it("reads … as anything and <hash> as hex digits", () => {
    expect(pattern("/a.<hash>.css…").test("/a.0f1e2d.css#x")).toBe(true);
    expect(pattern("/a.<hash>.css").test("/a.XYZ.css")).toBe(false);
    expect(expectedText("{ a: 1 }")).toBeUndefined();
  });
});
