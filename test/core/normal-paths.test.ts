import { join, posix } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CacheBustError } from "../../src/index.js";
import { fileFor } from "../../src/core/locate.js";
import { resolveUrlPath } from "../../src/core/url.js";

// resolveUrlPath and fileFor return already-normal paths without normalising them again. These
// tests hold both to independent oracles (node:path), so that a path the shortcut wrongly takes
// for normal shows up as a difference.

const segment = fc.constantFrom(
  "a",
  "img",
  "car.jpg",
  ".hidden",
  "..x",
  "x..",
  "...",
  ".",
  "..",
  "",
  "%2e",
  "%2e%2e",
  "%2f",
  "%5c",
  "\\",
  "b c",
  "ü",
);
const urlPath = fc
  .tuple(fc.constantFrom("/", "", "\\"), fc.array(segment, { maxLength: 6 }), fc.boolean())
  .map(([lead, segs, trailing]) => `${lead}${segs.join("/")}${trailing ? "/" : ""}`);

/** The expected result, by node:path: `.`/`..` resolved, `\` read as `/`, a trailing `/` kept. */
function oracle(path: string, base: string): string | "outside" {
  const joined = path.startsWith("/") || path.startsWith("\\") ? path : base + path;
  const decoded = decodeURIComponent(joined).replace(/\\/g, "/");
  // Walking the segments tells whether a `..` would climb above `/` (posix.resolve stops there).
  let depth = 0;
  for (const s of decoded.split("/")) {
    if (s === "..") depth--;
    else if (s !== "" && s !== ".") depth++;
    if (depth < 0) return "outside";
  }
  const resolved = posix.resolve("/", `.${decoded}`);
  const last = decoded.split("/").pop();
  const directory = resolved !== "/" && (last === "" || last === "." || last === "..");
  return directory ? `${resolved}/` : resolved;
}

describe("normal paths", () => {
  it("resolveUrlPath returns an already normal path unchanged", () => {
    for (const p of ["/", "/a", "/img/car.jpg", "/img/", "/.hidden/x", "/..x/x../...", "/a b/ü"]) {
      expect(resolveUrlPath(p, "/", p)).toBe(p);
    }
  });

  it("resolveUrlPath agrees with node:path on any mix of dot, empty, encoded and backslash segments", () => {
    fc.assert(
      fc.property(urlPath, fc.constantFrom("/", "/blog/", "/a/b/"), (path, base) => {
        const expected = oracle(path, base);
        if (expected === "outside") {
          expect(() => resolveUrlPath(path, base, path)).toThrow(CacheBustError);
        } else {
          expect(resolveUrlPath(path, base, path)).toBe(expected);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("fileFor joins a resolved path to its root exactly as path.join does", () => {
    const roots = [
      { prefix: "/static/", dir: join("/site", "assets") },
      { prefix: "/", dir: join("/site", "public") },
    ];
    fc.assert(
      fc.property(urlPath, (path) => {
        if (oracle(path, "/") === "outside") return;
        const resolved = resolveUrlPath(path, "/", path);
        const root = resolved.startsWith("/static/")
          ? (roots[0] as (typeof roots)[0])
          : (roots[1] as (typeof roots)[0]);
        const rest = resolved.slice(root.prefix.length);
        expect(fileFor(resolved, roots, path)).toBe(rest === "" ? root.dir : join(root.dir, rest));
      }),
      { numRuns: 2000 },
    );
  });

  it("fileFor under a root directory of / gives each file one separator", () => {
    expect(fileFor("/img/car.jpg", [{ prefix: "/", dir: "/" }], "/img/car.jpg")).toBe(join("/", "img/car.jpg"));
  });

  it("fileFor still refuses a URL path that would leave its root", () => {
    const roots = [{ prefix: "/", dir: join("/site", "public") }];
    for (const p of ["/../etc/passwd", "/a/../../x", "/./../x"]) {
      expect(() => fileFor(p, roots, p)).toThrow(expect.objectContaining({ code: "OUTSIDE_ROOT" }));
    }
  });
});
