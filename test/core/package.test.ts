import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { site } from "./fixtures.js";

const REPO = join(__dirname, "../..");
const pkg = JSON.parse(fs.readFileSync(join(REPO, "package.json"), "utf8"));

/** Runs a Node script from the repository root, where `cache-id` resolves to this package. */
function node(args: string[], root = REPO) {
  const run = spawnSync(process.execPath, args, {
    cwd: REPO,
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, ROOT: root },
  });
  return { ...run, stdout: run.stdout.trim() };
}

describe("the built package", () => {
  it("has a built file for every condition of every entry point", () => {
    for (const [entry, conditions] of Object.entries(pkg.exports as Record<string, unknown>)) {
      if (typeof conditions === "string") continue;
      for (const [condition, target] of Object.entries(
        conditions as Record<string, { types: string; default: string }>,
      )) {
        expect(fs.existsSync(join(REPO, target.types)), `${entry} ${condition} types`).toBe(true);
        expect(fs.existsSync(join(REPO, target.default)), `${entry} ${condition}`).toBe(true);
      }
    }
  });

  it("busts a URL through ESM import", () => {
    const root = site({ "a.css": "a" });
    const run = node(
      [
        "--input-type=module",
        "-e",
        `import { createCacheBuster } from "cache-id"; console.log(createCacheBuster({ root: process.env.ROOT }).url("/a.css"))`,
      ],
      root,
    );
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("/a.css?v=ca978112ca");
  });

  it("busts a URL through CommonJS require", () => {
    const root = site({ "a.css": "a" });
    const run = node(
      [
        "-e",
        `const { createCacheBuster } = require("cache-id"); console.log(createCacheBuster({ root: process.env.ROOT }).url("/a.css"))`,
      ],
      root,
    );
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("/a.css?v=ca978112ca");
  });

  it("recognises a buster made by the ESM build in the CommonJS build", () => {
    const run = node([
      "--input-type=module",
      "-e",
      `import { createRequire } from "node:module";
       import { createCacheBuster, CacheBustError } from "cache-id";
       const cjs = createRequire(process.cwd() + "/")("cache-id");
       const buster = createCacheBuster();
       let err; try { buster.url(1) } catch (e) { err = e }
       console.log(cjs.isCacheBuster(buster), cjs.createCacheBuster !== createCacheBuster, cjs.isCacheBustError(err), err instanceof CacheBustError)`,
    ]);
    expect(run.stderr).toBe("");
    expect(run.stdout).toBe("true true true true");
  });

  it("loads no package, only Node's standard library, when the core is required", () => {
    const run = node(["-e", `require("cache-id"); console.log(JSON.stringify(Object.keys(require.cache)))`]);
    const loaded: string[] = JSON.parse(run.stdout);
    expect(loaded.length).toBeGreaterThan(0);
    for (const file of loaded) expect(file).toContain(`${join(REPO, "dist")}`);
  });

  it("imports nothing but node: modules from the core's ESM files", () => {
    // Follow the ESM entry and the chunks it imports.
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = fs.readFileSync(file, "utf8");
      for (const [, fromSpec, dynamicSpec] of text.matchAll(
        /^(?:import|export)\b[^;]*?["']([^"']+)["'];?$|\bimport\(\s*["']([^"']+)["']\s*\)/gm,
      )) {
        const spec = fromSpec ?? dynamicSpec;
        if (spec!.startsWith("./")) visit(join(file, "..", spec!));
        else expect(spec, `${file} imports ${spec}`).toMatch(/^node:/);
      }
    };
    visit(join(REPO, "dist/index.js"));
    expect(seen.size).toBeGreaterThan(0);
  });
});
