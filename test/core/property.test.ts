import * as fs from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CacheBustError, createCacheBuster, type MissingPolicy } from "../../src/index.js";
import { sha, site } from "./fixtures.js";

// Every file in the root has distinct contents, so a hash names the file it came from.
const FILES: Record<string, string> = {
  "root/a.css": "a-css",
  "root/img/car.jpg": "car-jpg",
  "root/img/my car.jpg": "my-car-jpg",
  "root/img/50%.png": "fifty",
  "root/sub/deep/x.js": "deep-x",
  "root/canary.txt": "inside-canary-name",
};
const CANARY = "THE CANARY OUTSIDE THE ROOT";

const segment = fc.constantFrom(
  "a.css",
  "img",
  "car.jpg",
  "my%20car.jpg",
  "my car.jpg",
  "50%25.png",
  "sub",
  "deep",
  "x.js",
  "canary.txt",
  "root",
  "..",
  ".",
  "%2e%2e",
  "%2E%2e",
  ".%2e",
  "%2f",
  "%2F",
  "%5c",
  "\\",
  "",
  "%00",
  "%",
  "%zz",
  "%C3%BC",
  "ü",
  "a.css?x",
  "a.css#f",
  "nope.css",
);
const prefix = fc.constantFrom(
  "",
  "/",
  "./",
  "../",
  "//",
  "\\",
  "/\\",
  "http://x/",
  "HTTPS://x/",
  "data:",
  "mailto:",
  "#",
  "?",
  " ",
  "/root/../",
);
const query = fc.option(
  fc
    .array(fc.constantFrom("x=1", "v=old", "v", "y=a%20b", "", "v=1&v=2", "%76=enc", "z=?"), { maxLength: 4 })
    .map((p) => p.join("&")),
);
const fragment = fc.option(fc.constantFrom("", "top", "a?b", "x#y", "v=1"));
const structuredUrl = fc
  .tuple(prefix, fc.array(segment, { maxLength: 6 }), query, fragment)
  .map(([p, segs, q, f]) => `${p}${segs.join("/")}${q === null ? "" : `?${q}`}${f === null ? "" : `#${f}`}`);
const knownPath = fc.constantFrom(
  "/a.css",
  "/img/car.jpg",
  "car.jpg",
  "../a.css",
  "/img/my%20car.jpg",
  "my car.jpg",
  "/img/50%25.png",
  "/sub/deep/x.js",
  "x.js",
  "/img/./../a.css",
  "/canary.txt",
  "deep/x.js",
);
const knownUrl = fc
  .tuple(fc.constantFrom("", " ", "./"), knownPath, query, fragment)
  .map(([p, path, q, f]) => `${p}${path}${q === null ? "" : `?${q}`}${f === null ? "" : `#${f}`}`);
const anyUrl = fc.oneof(
  knownUrl,
  knownUrl,
  structuredUrl,
  structuredUrl,
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
);
const page = fc.option(
  fc.constantFrom(
    "/",
    "/img/",
    "/img/page.html",
    "/sub/deep/",
    "/sub/deep/i.html?x#y",
    "https://example.com/img/",
    "page",
    "/a/b/c/d/",
  ),
  { nil: undefined },
);
const policy = fc.constantFrom<MissingPolicy>("error", "warn", "ignore");

/** Takes a URL apart the plain way, independently of the code under test. */
function pieces(url: string) {
  const hashAt = url.indexOf("#");
  const beforeHash = hashAt < 0 ? url : url.slice(0, hashAt);
  const queryAt = beforeHash.indexOf("?");
  return {
    path: queryAt < 0 ? beforeHash : beforeHash.slice(0, queryAt),
    params: queryAt < 0 ? [] : beforeHash.slice(queryAt + 1).split("&"),
    hasQuery: queryAt >= 0,
    fragment: hashAt < 0 ? undefined : url.slice(hashAt),
  };
}

function isV(piece: string): boolean {
  const name = piece.split("=")[0] as string;
  try {
    return decodeURIComponent(name) === "v";
  } catch {
    return name === "v";
  }
}

/** Whether the file system updates atime when a file is read here (relatime, not noatime). */
function atimeTracksReads(dir: string): boolean {
  const probe = join(dir, "atime-probe");
  fs.writeFileSync(probe, "probe");
  const old = new Date(Date.now() - 3 * 86_400_000);
  fs.utimesSync(probe, old, old);
  fs.readFileSync(probe);
  return fs.statSync(probe).atimeMs > old.getTime() + 1000;
}

describe("any URL string", () => {
  it.each([
    ["always", 3000],
    ["watch", 600],
  ] as const)(
    "is busted, left exactly as given, or rejected with a CacheBustError, and never reads outside the root (validate: %s)",
    (validate, numRuns) => {
      const dir = site({ ...FILES, "canary.txt": CANARY, "img/car.jpg": CANARY, "a.css": CANARY });
      const root = join(dir, "root");
      const canaries = ["canary.txt", "img/car.jpg", "a.css"].map((p) => join(dir, p));
      const old = new Date(Date.now() - 3 * 86_400_000);
      for (const c of canaries) fs.utimesSync(c, old, old);
      const trackAtime = atimeTracksReads(dir);
      const hashes = new Map(Object.entries(FILES).map(([, contents]) => [sha(contents), contents]));
      let busted = 0;

      fc.assert(
        fc.property(anyUrl, page, policy, (url, from, missing) => {
          const buster = createCacheBuster({ root, missing, validate, onWarning: () => {} });
          let result: string;
          try {
            result = buster.url(url, from);
            buster.close();
          } catch (error) {
            buster.close();
            expect(error).toBeInstanceOf(CacheBustError);
            expect((error as CacheBustError).message).toContain("cache-id:");
            return;
          }
          for (const file of buster.entries()) expect(file.file.startsWith(`${root}/`)).toBe(true);
          if (result === url && buster.hash(url, from) === undefined) return; // left alone, or missing under warn/ignore
          // Busted: the same path, the other parameters in order, the same fragment, exactly one v.
          const before = pieces(url.trim());
          const after = pieces(result.trim());
          expect(after.path).toBe(before.path);
          expect(after.fragment).toBe(before.fragment);
          expect(after.params.filter((p) => !isV(p))).toEqual(
            before.params.filter((p) => !isV(p) && (p !== "" || before.params.length > 1)),
          );
          const vs = after.params.filter(isV);
          expect(vs).toHaveLength(1);
          const hash = (vs[0] as string).slice(2);
          expect(hashes.has(hash)).toBe(true);
          expect(hash).not.toBe(sha(CANARY));
          busted++;
        }),
        { numRuns, seed: 20261125 },
      );
      expect(busted).toBeGreaterThan(numRuns / 6);
      if (trackAtime) for (const c of canaries) expect(fs.statSync(c).atimeMs).toBeLessThan(old.getTime() + 1000);
    },
  );
});
