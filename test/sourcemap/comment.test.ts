import { describe, expect, it } from "vitest";
import { findSourceMapComment } from "../../src/sourcemap/index.js";

/** The URL the comment names, found by its offsets. */
function urlIn(source: string, syntax: "js" | "css"): string | undefined {
  const found = findSourceMapComment(source, syntax);
  return found && source.slice(found.start, found.end);
}

describe("findSourceMapComment", () => {
  it("finds the comment on the last line, after LF, CRLF or CR line ends", () => {
    for (const eol of ["\n", "\r\n", "\r"]) {
      expect(urlIn(`a()${eol}//# sourceMappingURL=a.js.map`, "js")).toBe("a.js.map");
      expect(urlIn(`a()${eol}//# sourceMappingURL=a.js.map${eol}`, "js")).toBe("a.js.map");
      expect(urlIn(`a{}${eol}/*# sourceMappingURL=a.css.map */${eol}`, "css")).toBe("a.css.map");
    }
  });

  it("finds a comment followed by blank lines, and none followed by code or too many lines", () => {
    expect(urlIn("a()\n//# sourceMappingURL=a.js.map\n \n\t\n", "js")).toBe("a.js.map");
    expect(urlIn("a()\n//# sourceMappingURL=a.js.map\nb()\n", "js")).toBeUndefined();
    expect(urlIn("a()\n//# sourceMappingURL=a.js.map\n\n\n\n\n", "js")).toBeUndefined();
  });

  it("finds a comment in a file of one line, and none in a file without one", () => {
    expect(urlIn("a();//# sourceMappingURL=a.js.map", "js")).toBe("a.js.map");
    expect(urlIn("x".repeat(100_000), "js")).toBeUndefined();
    expect(urlIn(`${"a();".repeat(5000)}\n//# sourceMappingURL=a.js.map\n`, "js")).toBe("a.js.map");
    expect(urlIn(`${"a();".repeat(5000)}//# sourceMappingURL=a.js.map`, "js")).toBe("a.js.map");
    expect(urlIn('const s = "//# sourceMappingURL=no.map";\nb()\n', "js")).toBeUndefined();
    expect(urlIn("", "js")).toBeUndefined();
  });
});
