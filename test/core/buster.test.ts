import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CacheBustError, createCacheBuster, isCacheBuster, toCacheBuster } from "../../src/index.js";
import { settle, sha, site, write } from "./fixtures.js";

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as CacheBustError).code;
  }
  return "no error";
};

describe("options", () => {
  it("resolves a relative root against the working directory", () => {
    const dir = site({ "pub/a.css": "a" });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(createCacheBuster({ root: "pub" }).url("/a.css")).toBe(`/a.css?v=${sha("a")}`);
    } finally {
      process.chdir(cwd);
    }
  });

  it("defaults the root to the working directory", () => {
    const dir = site({ "a.css": "a" });
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(createCacheBuster().url("/a.css")).toBe(`/a.css?v=${sha("a")}`);
    } finally {
      process.chdir(cwd);
    }
  });

  it("searches only the longest matching prefix of roots", () => {
    const dir = site({ "assets/x.css": "static x", "public/static/x.css": "public x", "public/y.css": "y" });
    const buster = createCacheBuster({ roots: { "/static/": join(dir, "assets"), "/": join(dir, "public") } });
    expect(buster.hash("/static/x.css")).toBe(sha("static x"));
    expect(buster.hash("/y.css")).toBe(sha("y"));
    expect(codeOf(() => buster.hash("/static/y.css"))).toBe("MISSING_FILE");
  });

  it("matches roots by whole segments", () => {
    const dir = site({ "assets/x.css": "static x", "public/staticky/x.css": "public x" });
    const buster = createCacheBuster({ roots: { "/static": join(dir, "assets"), "/": join(dir, "public") } });
    expect(buster.hash("/staticky/x.css")).toBe(sha("public x"));
    expect(buster.hash("/static/x.css")).toBe(sha("static x"));
  });

  it("maps / to root when roots has no / key", () => {
    const dir = site({ "assets/x.css": "x", "y.css": "y" });
    const buster = createCacheBuster({ root: dir, roots: { "/static/": join(dir, "assets") } });
    expect(buster.hash("/y.css")).toBe(sha("y"));
    expect(buster.hash("/static/x.css")).toBe(sha("x"));
  });

  it.each([
    [{ root: "a", roots: { "/": "b" } }],
    [{ roots: { "static/": "b" } }],
    [{ roots: { "/../": "b" } }],
    [{ roots: { "/x/": 3 } }],
    [{ roots: [] }],
    [{ mode: "hash" }],
    [{ param: "" }],
    [{ param: "a&b" }],
    [{ algorithm: "nope" }],
    [{ length: 0 }],
    [{ length: 65 }],
    [{ length: 2.5 }],
    [{ missing: "sometimes" }],
    [{ trustAfterMs: -1 }],
    [{ validate: "never" }],
    [{ rooot: "typo" }],
  ])("rejects bad options %j with BAD_ARGUMENT", (options) => {
    expect(codeOf(() => createCacheBuster(options as never))).toBe("BAD_ARGUMENT");
  });
});

describe("hashes", () => {
  it("are the first length hex characters of the algorithm's digest of the bytes", () => {
    const root = site({ "a.bin": Buffer.from([0, 1, 2, 255]) });
    const digest = createHash("sha512")
      .update(Buffer.from([0, 1, 2, 255]))
      .digest("hex");
    expect(createCacheBuster({ root, algorithm: "sha512", length: 16 }).hash("/a.bin")).toBe(digest.slice(0, 16));
    expect(createCacheBuster({ root, algorithm: "md5", length: 32 }).hash("/a.bin")).toBe(
      createHash("md5")
        .update(Buffer.from([0, 1, 2, 255]))
        .digest("hex"),
    );
  });

  it("hash an empty file", () => {
    const root = site({ "empty.txt": "" });
    expect(createCacheBuster({ root }).hash("/empty.txt")).toBe(sha(""));
  });

  it("use the configured query parameter", () => {
    const root = site({ "a.css": "a" });
    const buster = createCacheBuster({ root, param: "h" });
    expect(buster.url("/a.css?v=1")).toBe(`/a.css?v=1&h=${sha("a")}`);
    expect(buster.url("/a.css", { param: "x" })).toBe(`/a.css?x=${sha("a")}`);
  });

  it("are the same from hash, hashAsync, url and urlAsync", async () => {
    const root = site({ "a.css": "same" });
    const buster = createCacheBuster({ root });
    expect(buster.hash("/a.css")).toBe(sha("same"));
    expect(await buster.hashAsync("/a.css")).toBe(sha("same"));
    expect(await buster.urlAsync("/a.css")).toBe(buster.url("/a.css"));
  });

  it("follow symbolic links inside a root", () => {
    const dir = site({ "pkg/dist/lib.js": "lib", "public/index.html": "" });
    fs.symlinkSync(join(dir, "pkg/dist"), join(dir, "public/vendor"));
    expect(createCacheBuster({ root: join(dir, "public") }).hash("/vendor/lib.js")).toBe(sha("lib"));
  });
});

describe("missing files", () => {
  it("throw MISSING_FILE by default", () => {
    const buster = createCacheBuster({ root: site() });
    expect(codeOf(() => buster.url("/a.css"))).toBe("MISSING_FILE");
  });

  it("reject the async calls with MISSING_FILE too", async () => {
    const buster = createCacheBuster({ root: site() });
    await expect(buster.urlAsync("/a.css")).rejects.toMatchObject({ code: "MISSING_FILE" });
  });

  it("warn once per URL and come back unchanged under missing: warn", async () => {
    const warnings: CacheBustError[] = [];
    const buster = createCacheBuster({ root: site(), missing: "warn", onWarning: (e) => warnings.push(e) });
    expect(buster.url("/a.css?x=1")).toBe("/a.css?x=1");
    expect(buster.url("/a.css?x=1")).toBe("/a.css?x=1");
    expect(await buster.urlAsync("/a.css?x=1")).toBe("/a.css?x=1");
    expect(buster.hash("/b.css")).toBeUndefined();
    expect(warnings.map((w) => w.code)).toEqual(["MISSING_FILE", "MISSING_FILE"]);
    expect(warnings[0]?.message).toContain("/a.css?x=1");
  });

  it("come back unchanged without a word under missing: ignore", () => {
    const warnings: unknown[] = [];
    const buster = createCacheBuster({ root: site(), missing: "ignore", onWarning: (e) => warnings.push(e) });
    expect(buster.url("/a.css")).toBe("/a.css");
    expect(buster.integrity("/a.css")).toBeUndefined();
    expect(warnings).toEqual([]);
  });

  it("do not excuse a URL that leaves the root, whatever missing says", () => {
    const buster = createCacheBuster({ root: site(), missing: "ignore" });
    expect(codeOf(() => buster.url("/../etc/passwd"))).toBe("OUTSIDE_ROOT");
    expect(codeOf(() => buster.url("/%2e%2e/etc/passwd"))).toBe("OUTSIDE_ROOT");
  });

  it("do not excuse a directory, whatever missing says", () => {
    const buster = createCacheBuster({ root: site({ "d/x": "" }), missing: "ignore" });
    expect(codeOf(() => buster.url("/d"))).toBe("NOT_A_FILE");
  });

  it("get a hash once they appear", () => {
    const root = site();
    const buster = createCacheBuster({ root, missing: "ignore" });
    expect(buster.url("/a.css")).toBe("/a.css");
    write(root, "a.css", "now");
    expect(buster.url("/a.css")).toBe(`/a.css?v=${sha("now")}`);
  });
});

describe("integrity", () => {
  it("is a sha384 Subresource Integrity value of the bytes by default", () => {
    const root = site({ "a.js": "alert(1)" });
    const expected = `sha384-${createHash("sha384").update("alert(1)").digest("base64")}`;
    expect(createCacheBuster({ root }).integrity("/a.js")).toBe(expected);
  });

  it("takes sha256 and sha512 and a page URL", () => {
    const root = site({ "js/a.js": "x" });
    const buster = createCacheBuster({ root });
    expect(buster.integrity("a.js", "sha512", "/js/page.html")).toBe(
      `sha512-${createHash("sha512").update("x").digest("base64")}`,
    );
    expect(buster.integrity("/js/a.js", "sha256")).toBe(`sha256-${createHash("sha256").update("x").digest("base64")}`);
  });

  it("follows a changed file", () => {
    const root = site({ "a.js": "one" });
    const buster = createCacheBuster({ root, trustAfterMs: 0 });
    buster.integrity("/a.js");
    write(root, "a.js", "two!");
    expect(buster.integrity("/a.js")).toBe(`sha384-${createHash("sha384").update("two!").digest("base64")}`);
  });

  it("rejects an algorithm browsers do not accept", () => {
    const buster = createCacheBuster({ root: site({ "a.js": "" }) });
    expect(codeOf(() => buster.integrity("/a.js", "md5"))).toBe("BAD_ARGUMENT");
  });

  it("is undefined for a URL left alone", () => {
    expect(createCacheBuster({ root: site() }).integrity("https://x/a.js")).toBeUndefined();
  });
});

describe("manifest, stats, refresh and clear", () => {
  it("lists every file hashed so far by resolved URL path", () => {
    const root = site({ "a.css": "a", "img/car.jpg": "car" });
    const buster = createCacheBuster({ root });
    buster.url("/a.css?x=1");
    buster.url("car.jpg", "/img/index.html");
    expect(buster.manifest()).toEqual({ "/a.css": sha("a"), "/img/car.jpg": sha("car") });
    expect(Object.keys(buster.manifest())).toEqual(["/a.css", "/img/car.jpg"]);
  });

  it("counts hits, files hashed and bytes hashed", async () => {
    const root = site({ "a.css": "12345" });
    await settle([join(root, "a.css")]);
    const buster = createCacheBuster({ root, trustAfterMs: 0 });
    buster.url("/a.css");
    buster.url("/a.css");
    buster.url("/a.css?x");
    expect(buster.stats()).toMatchObject({ hashed: 1, bytesHashed: 5, hits: 2 });
  });

  it("rehashes a file read within trustAfterMs of its last change on every use", () => {
    const root = site({ "a.css": "fresh" });
    const buster = createCacheBuster({ root });
    buster.hash("/a.css");
    buster.hash("/a.css");
    expect(buster.stats()).toMatchObject({ hashed: 2, hits: 0 });
  });

  it("validate: once answers repeat calls with no system call until refresh", () => {
    const root = site({ "a.css": "one" });
    const buster = createCacheBuster({ root, validate: "once", trustAfterMs: 0 });
    expect(buster.hash("/a.css")).toBe(sha("one"));
    write(root, "a.css", "second");
    expect(buster.hash("/a.css")).toBe(sha("one"));
    expect(buster.stats()).toMatchObject({ hashed: 1, stats: 0, hits: 1 });
    buster.refresh();
    expect(buster.hash("/a.css")).toBe(sha("second"));
  });

  it("validate: once gives url() the new hash after refresh", () => {
    const root = site({ "a.css": "one" });
    const buster = createCacheBuster({ root, validate: "once", trustAfterMs: 0 });
    expect(buster.url("/a.css")).toBe(`/a.css?v=${sha("one")}`);
    write(root, "a.css", "second");
    expect(buster.url("/a.css")).toBe(`/a.css?v=${sha("one")}`);
    buster.refresh();
    expect(buster.url("/a.css")).toBe(`/a.css?v=${sha("second")}`);
    buster.clear();
    write(root, "a.css", "third!");
    expect(buster.url("/a.css")).toBe(`/a.css?v=${sha("third!")}`);
  });

  it("refresh keeps the hashes of unchanged files", async () => {
    const root = site({ "a.css": "one" });
    await settle([join(root, "a.css")]);
    const buster = createCacheBuster({ root, validate: "once", trustAfterMs: 0 });
    buster.hash("/a.css");
    buster.refresh();
    buster.hash("/a.css");
    expect(buster.stats()).toMatchObject({ hashed: 1, stats: 1 });
  });

  it("clear forgets every hash", () => {
    const root = site({ "a.css": "one" });
    const buster = createCacheBuster({ root, trustAfterMs: 0 });
    buster.hash("/a.css");
    buster.clear();
    expect(buster.manifest()).toEqual({});
    buster.hash("/a.css");
    expect(buster.stats().hashed).toBe(2);
  });

  it("shares one read among concurrent async calls for a file", async () => {
    const root = site({ "a.css": "x".repeat(100_000) });
    const buster = createCacheBuster({ root });
    const hashes = await Promise.all(Array.from({ length: 50 }, () => buster.hashAsync("/a.css")));
    expect(new Set(hashes)).toEqual(new Set([sha("x".repeat(100_000))]));
    expect(buster.stats().hashed).toBe(1);
  });

  it("does not reuse a read that began before the call when the file changed in between", async () => {
    const root = site({ "a.css": "old" });
    const buster = createCacheBuster({ root });
    const first = buster.hashAsync("/a.css");
    write(root, "a.css", "new");
    const second = buster.hashAsync("/a.css");
    expect(await second).toBe(sha("new"));
    expect([sha("old"), sha("new")]).toContain(await first);
  });
});

describe("sharing", () => {
  it("recognises a buster by its brand, not its class", () => {
    const buster = createCacheBuster({ root: site() });
    expect(isCacheBuster(buster)).toBe(true);
    expect(isCacheBuster({ ...buster })).toBe(true);
    expect(isCacheBuster({ url() {} })).toBe(false);
    expect(toCacheBuster(buster, { filterName: "cache_bust" }).buster).toBe(buster);
  });

  it("splits an adapter's own options from the buster's", () => {
    const root = site({ "a.css": "a" });
    const { buster, extra } = toCacheBuster({ root, filterName: "bust" } as never, { filterName: "cache_bust" });
    expect(extra.filterName).toBe("bust");
    expect(buster.hash("/a.css")).toBe(sha("a"));
  });
});

describe("per-call options", () => {
  it.each([[{ param: "" }], [{ param: "a&b" }], [{ missing: "bogus" }], [{ from: 3 }]])(
    "rejects %j with BAD_ARGUMENT",
    (call) => {
      const buster = createCacheBuster({ root: site({ "a.css": "a" }) });
      expect(codeOf(() => buster.url("/a.css", call as never))).toBe("BAD_ARGUMENT");
    },
  );

  it("override missing for one call", () => {
    const buster = createCacheBuster({ root: site() });
    expect(buster.url("/nope.css", { missing: "ignore" })).toBe("/nope.css");
    expect(codeOf(() => buster.url("/nope.css"))).toBe("MISSING_FILE");
  });
});

describe("transformers", () => {
  const upper = {
    name: "upper",
    test: (urlPath: string) => urlPath.endsWith(".txt"),
    transform: (source: string) => source.toUpperCase(),
  };

  it("hash what the transformer wrote, not the file's bytes", () => {
    const root = site({ "a.txt": "abc" });
    const buster = createCacheBuster({ root, transformers: [upper] });
    expect(buster.hash("/a.txt")).toBe(sha("ABC"));
    expect(buster.entries()[0]?.content?.toString()).toBe("ABC");
  });

  it("leave a file that is not valid UTF-8 as it is", () => {
    const bytes = Buffer.from([0x61, 0xff, 0x62]);
    const root = site({ "a.txt": bytes });
    const buster = createCacheBuster({ root, transformers: [upper] });
    expect(buster.hash("/a.txt")).toBe(sha(bytes));
    expect(buster.entries()[0]?.content).toBeUndefined();
  });
});

describe("relative URLs", () => {
  it.each(["always", "once"] as const)(
    "resolve against each page's own directory, whichever page came before (validate %s)",
    (validate) => {
      const buster = createCacheBuster({ root: site({ "a/car.jpg": "a car", "b/car.jpg": "b car" }), validate });
      for (let round = 0; round < 2; round++) {
        expect(buster.url("car.jpg", "/a/page.html")).toBe(`car.jpg?v=${sha("a car")}`);
        expect(buster.url("car.jpg", "/b/page.html")).toBe(`car.jpg?v=${sha("b car")}`);
        expect(buster.url("car.jpg", { from: () => "/a/" })).toBe(`car.jpg?v=${sha("a car")}`);
        expect(codeOf(() => buster.url("car.jpg"))).toBe("MISSING_FILE");
      }
    },
  );
});

describe("a lazy page URL", () => {
  it("is asked for only by URLs that need it", () => {
    const buster = createCacheBuster({ root: site({ "img/car.jpg": "car" }) });
    let asked = 0;
    const from = () => {
      asked++;
      return "/img/page.html";
    };
    expect(buster.url("/img/car.jpg", { from })).toBe(`/img/car.jpg?v=${sha("car")}`);
    expect(asked).toBe(0);
    expect(buster.url("car.jpg", { from })).toBe(`car.jpg?v=${sha("car")}`);
    expect(asked).toBe(1);
  });

  it("must return a string or undefined", () => {
    const buster = createCacheBuster({ root: site({ "car.jpg": "car" }) });
    expect(codeOf(() => buster.url("car.jpg", { from: () => 3 as unknown as string }))).toBe("BAD_ARGUMENT");
  });
});
