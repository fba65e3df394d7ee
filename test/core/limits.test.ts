import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { cssTransformer } from "../../src/css/index.js";
import { createCacheBuster, type CacheBustError, type ContentTransformer } from "../../src/index.js";
import { sha, site } from "./fixtures.js";

const DIST = join(__dirname, "../../dist/index.js");

/** The error `run` throws (sync), for its fields. */
function errorOf(run: () => unknown): CacheBustError {
  try {
    run();
  } catch (error) {
    return error as CacheBustError;
  }
  throw new Error("expected an error");
}

describe("a read that fails after the file is open", () => {
  it.each([
    ["mem", "EIO"],
    ["pagemap", "EINVAL"],
  ])("is READ_ERROR naming the URL and file for /proc/self/%s (%s), sync and async", async (name) => {
    const buster = createCacheBuster({ root: "/proc/self" });
    const error = errorOf(() => buster.url(`/${name}`));
    expect(error).toMatchObject({
      name: "CacheBustError",
      code: "READ_ERROR",
      url: `/${name}`,
      file: `/proc/self/${name}`,
    });
    expect(error.message).toContain(`/proc/self/${name}`);
    await expect(buster.urlAsync(`/${name}`)).rejects.toMatchObject({ code: "READ_ERROR", file: `/proc/self/${name}` });
  });

  it.skipIf(process.getuid?.() === 0)("is PERMISSION_DENIED for a file the process may not read", async () => {
    const root = site({ "secret.css": "s" });
    fs.chmodSync(join(root, "secret.css"), 0);
    const buster = createCacheBuster({ root });
    expect(errorOf(() => buster.url("/secret.css"))).toMatchObject({
      code: "PERMISSION_DENIED",
      file: join(root, "secret.css"),
    });
    await expect(buster.hashAsync("/secret.css")).rejects.toMatchObject({ code: "PERMISSION_DENIED" });
  });
});

describe("a lone surrogate", () => {
  it("is BAD_URL, and manifest(), entries() and emit() keep working after it", async () => {
    const root = site({ "\uFFFD.css": "x", "a.css": "a" });
    const buster = createCacheBuster({ root, mode: "path" });
    buster.url("/a.css");
    expect(errorOf(() => buster.url("/\uD800.css")).code).toBe("BAD_URL");
    expect(errorOf(() => buster.url("/\uDC00x.css")).code).toBe("BAD_URL");
    expect(buster.manifest()).toEqual({ "/a.css": sha("a") });
    expect(buster.entries().map((e) => e.urlPath)).toEqual(["/a.css"]);
    await expect(buster.emit(join(root, "out"))).resolves.toHaveLength(1);
  });

  it("is not taken for a pair: a well-formed astral character still names its file", () => {
    const root = site({ "\u{1F600}.css": "smile" });
    expect(createCacheBuster({ root }).hash("/\u{1F600}.css")).toBe(sha("smile"));
  });
});

describe("options", () => {
  it("refuse a BigInt length with BAD_ARGUMENT, not a TypeError", () => {
    expect(errorOf(() => createCacheBuster({ length: 10n as unknown as number })).code).toBe("BAD_ARGUMENT");
  });

  it("refuse a sparse transformers array with BAD_ARGUMENT, not a TypeError on first use", () => {
    const root = site({ "a.css": "a" });
    const sparse: ContentTransformer[] = [];
    sparse[1] = cssTransformer();
    expect(errorOf(() => createCacheBuster({ root, transformers: sparse }).url("/a.css")).code).toBe("BAD_ARGUMENT");
  });

  it("refuse a length below 6 and take 6", () => {
    const root = site({ "a.css": "a" });
    expect(errorOf(() => createCacheBuster({ root, length: 5 })).code).toBe("BAD_ARGUMENT");
    expect(createCacheBuster({ root, length: 6 }).hash("/a.css")).toBe(sha("a", "sha256", 6));
  });
});

describe("memory", () => {
  it("stays bounded for many distinct large URLs: data: URLs, long queries, under validate always and once", () => {
    expect(fs.existsSync(DIST), "build first: npm run build").toBe(true);
    const root = site({ "a.css": "a" });
    const script = `
      import { createCacheBuster } from ${JSON.stringify(pathToFileURL(DIST).href)};
      const heap = () => { globalThis.gc(); return process.memoryUsage().heapUsed; };
      const busters = ["always", "once"].map((validate) => createCacheBuster({ root: process.argv[1], validate, missing: "warn", onWarning() {} }));
      const before = heap();
      const big = "x".repeat(1 << 19);
      for (let i = 0; i < 120; i++) {
        for (const b of busters) {
          b.url("data:text/plain," + i + big);
          b.url("/a.css?q=" + i + big);
          b.url("/gone-" + i + ".css?" + big);
        }
      }
      console.log(JSON.stringify({ growth: heap() - before }));
    `;
    const run = spawnSync(process.execPath, ["--expose-gc", "--input-type=module", "-e", script, root], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.stderr).toBe("");
    // 120 URLs of 512 KiB in each of three shapes, for two busters: 360 MB if they were kept;
    // the bounds (docs/core.md, "Limits") allow about 40 MB.
    expect(JSON.parse(run.stdout).growth).toBeLessThan(64 * 1024 * 1024);
  });
});

describe("a stylesheet too big to rewrite", () => {
  it("is hashed as its bytes, with a TOO_LARGE warning, sync and async", async () => {
    const root = site();
    const file = join(root, "big.css");
    const size = (32 << 20) + 1;
    fs.writeFileSync(file, "");
    fs.truncateSync(file, size);
    const expected = createHash("sha256").update(Buffer.alloc(size)).digest("hex").slice(0, 10);
    const warnings: CacheBustError[] = [];
    const options = { root, transformers: [cssTransformer()], onWarning: (w: CacheBustError) => warnings.push(w) };
    expect(createCacheBuster(options).hash("/big.css")).toBe(expected);
    expect(await createCacheBuster(options).hashAsync("/big.css")).toBe(expected);
    expect(warnings.map((w) => [w.code, w.file])).toEqual([
      ["TOO_LARGE", file],
      ["TOO_LARGE", file],
    ]);
  });
});

describe("trustAfterMs: Infinity", () => {
  it("re-hashes on every call, for file systems whose timestamps cannot be trusted", () => {
    const root = site({ "a.css": "a" });
    fs.utimesSync(join(root, "a.css"), new Date(0), new Date(0));
    const buster = createCacheBuster({ root, trustAfterMs: Infinity });
    for (let i = 0; i < 3; i++) buster.url("/a.css");
    expect(buster.stats()).toMatchObject({ hashed: 3, stats: 0 });
  });
});
