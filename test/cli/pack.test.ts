import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tree } from "../css/fixtures.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const npm = (args: string[], cwd: string) =>
  spawnSync("npm", [...args, "--no-audit", "--no-fund"], { cwd, encoding: "utf8", timeout: 300_000 });

/** The package's own dependencies as installed here (`node_modules/...` paths), from the lock file. */
function runtimeDependencies(): string[] {
  const lock = JSON.parse(fs.readFileSync(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; peer?: boolean }>;
  };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path !== "" && !p.dev && !p.devOptional && !p.peer)
    .map(([path]) => path);
}

describe("the packed package", () => {
  it("installs into an empty project without an install-scripts warning, offline, and its bin runs", () => {
    const out = tree({ "proj/package.json": '{ "name": "proj", "version": "1.0.0", "private": true }\n' });
    // dist/ is built by pretest; --ignore-scripts keeps pack from building it again.
    expect(npm(["pack", "--ignore-scripts", "--pack-destination", out], ROOT).status).toBe(0);
    // The runtime dependencies as installed here, in one npm process: the install below is offline.
    expect(
      npm(["pack", "--ignore-scripts", "--pack-destination", out, ...runtimeDependencies().map((d) => `./${d}`)], ROOT)
        .status,
    ).toBe(0);
    const tarballs = fs
      .readdirSync(out)
      .filter((n) => n.endsWith(".tgz"))
      .map((n) => join(out, n));
    const proj = join(out, "proj");
    const install = npm(["install", "--offline", ...tarballs], proj);
    expect(install.status).toBe(0);
    // Dependencies installed here from local tarballs may warn about their own `prepare`
    // scripts (from the registry they would not); the package itself must never be named.
    const warned = `${install.stdout}${install.stderr}`.split("\n").filter((line) => /install.scripts/i.test(line));
    expect(warned.filter((line) => line.includes("cache-id"))).toEqual([]);
    const manifest = JSON.parse(fs.readFileSync(join(proj, "node_modules/cache-id/package.json"), "utf8")) as {
      scripts?: Record<string, string>;
    };
    expect(Object.keys(manifest.scripts ?? {}).filter((s) => /^(pre|post)?(install|prepare)$/.test(s))).toEqual([]);
    fs.writeFileSync(join(proj, "index.html"), '<img src="/a.png">');
    fs.writeFileSync(join(proj, "a.png"), "A");
    const run = spawnSync(join(proj, "node_modules/.bin/cache-id"), ["."], { cwd: proj, encoding: "utf8" });
    expect([run.status, fs.readFileSync(join(proj, "index.html"), "utf8")]).toEqual([
      0,
      expect.stringMatching(/^<img src="\/a\.png\?v=[0-9a-f]{10}">$/),
    ]);
  });
});
