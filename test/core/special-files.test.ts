import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { sha, site } from "./fixtures.js";

const DIST = join(__dirname, "../../dist/index.js");

describe("special files", () => {
  it("rejects a FIFO with NOT_A_FILE instead of waiting for a writer", async () => {
    const root = site();
    execFileSync("mkfifo", [join(root, "pipe.css")]);
    const buster = createCacheBuster({ root });
    expect(() => buster.url("/pipe.css")).toThrow(expect.objectContaining({ code: "NOT_A_FILE" }));
    await expect(buster.urlAsync("/pipe.css")).rejects.toMatchObject({ code: "NOT_A_FILE" });
    expect(() => buster.url("/pipe.css")).toThrow(/pipe\.css/);
  });

  it("rejects a FIFO that replaced a file it had hashed", async () => {
    const root = site({ "a.css": "a" });
    const buster = createCacheBuster({ root, trustAfterMs: 0 });
    expect(buster.hash("/a.css")).toBe(sha("a"));
    fs.rmSync(join(root, "a.css"));
    execFileSync("mkfifo", [join(root, "a.css")]);
    expect(() => buster.url("/a.css")).toThrow(expect.objectContaining({ code: "NOT_A_FILE" }));
    await expect(buster.hashAsync("/a.css")).rejects.toMatchObject({ code: "NOT_A_FILE" });
  });

  it("rejects a device reached through a symbolic link", () => {
    const root = site();
    fs.symlinkSync("/dev/zero", join(root, "zero.bin"));
    expect(() => createCacheBuster({ root }).url("/zero.bin")).toThrow(expect.objectContaining({ code: "NOT_A_FILE" }));
  });

  it("rejects a dangling symbolic link as a missing file", () => {
    const root = site();
    fs.symlinkSync(join(root, "gone.css"), join(root, "link.css"));
    expect(() => createCacheBuster({ root }).url("/link.css")).toThrow(
      expect.objectContaining({ code: "MISSING_FILE" }),
    );
  });

  it("hashes a 1 GiB sparse file in bounded memory, sync and async", () => {
    expect(fs.existsSync(DIST), "build first: npm run build").toBe(true);
    const root = site();
    const file = join(root, "big.bin");
    fs.writeFileSync(file, "");
    fs.truncateSync(file, 1 << 30);
    // A fresh process, so that its peak RSS (maxRSS) measures this hashing and nothing else.
    const script = `
      import { createCacheBuster } from ${JSON.stringify(pathToFileURL(DIST).href)};
      const peak = () => process.resourceUsage().maxRSS * 1024;
      const before = peak();
      const sync = createCacheBuster({ root: process.argv[1] }).hash("/big.bin");
      const afterSync = peak();
      const async = await createCacheBuster({ root: process.argv[1] }).hashAsync("/big.bin");
      console.log(JSON.stringify({ sync, async, syncGrowth: afterSync - before, asyncGrowth: peak() - before }));
    `;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script, root], {
      encoding: "utf8",
      timeout: 120_000,
    });
    expect(run.stderr).toBe("");
    const result = JSON.parse(run.stdout);
    const expected = execFileSync("sha256sum", [file], { encoding: "utf8" }).slice(0, 10);
    expect(result.sync).toBe(expected);
    expect(result.async).toBe(expected);
    expect(result.syncGrowth).toBeLessThan(64 * 1024 * 1024);
    expect(result.asyncGrowth).toBeLessThan(64 * 1024 * 1024);
  });
});
