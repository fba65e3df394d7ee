import { describe, expect, it } from "vitest";
import { escapeCss, unescapeCss } from "../../src/css/escape.js";

describe("CSS escapes", () => {
  it.each([
    ["my\\ car.png", "my car.png"],
    ["caf\\e9 .png", "café.png"],
    ["\\26 amp.png", "&amp.png"],
    ['a\\"b', 'a"b'],
    ["line\\\ncontinued", "linecontinued"],
    ["\\0 x", "\ufffdx"],
  ])("reads %j as %j", (raw, url) => {
    expect(unescapeCss(raw)).toBe(url);
  });

  it.each([
    ['a"b.png', '"'],
    ["it's (1).png", ""],
    ["tab\there.png", "'"],
  ])("writes %j back so that it reads the same inside %j", (url, quote) => {
    expect(unescapeCss(escapeCss(url, quote))).toBe(url);
  });
});
