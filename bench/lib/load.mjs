// Loads the package as users get it: the built ESM files in dist/, rebuilt first when a source
// file is newer than them (so a benchmark never measures stale code).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The repository root (the folder holding package.json). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const ENTRIES = ["index", "nunjucks", "handlebars", "liquid", "eleventy"];

function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else if (d.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  walk(path.join(repoRoot, "src"));
  walk(path.join(repoRoot, "adapters"));
  return newest;
}

function oldestEntry() {
  let oldest = Infinity;
  for (const name of ENTRIES) {
    const file = path.join(repoRoot, "dist", `${name}.js`);
    if (!fs.existsSync(file)) return 0;
    oldest = Math.min(oldest, fs.statSync(file).mtimeMs);
  }
  return oldest;
}

/** Runs `tsup` if dist/ is missing or older than the sources; throws if the build fails. */
export function ensureBuilt(log = () => {}) {
  if (oldestEntry() >= newestSource()) return false;
  log("dist/ is missing or older than the sources: building with tsup");
  const bin = path.join(repoRoot, "node_modules", ".bin", process.platform === "win32" ? "tsup.cmd" : "tsup");
  const r = spawnSync(bin, ["--silent"], { cwd: repoRoot, stdio: "inherit" });
  if (r.status !== 0) throw new Error("bench: `tsup` failed; fix the build or run with --no-build");
  return true;
}

/** The path of a built entry, e.g. `distFile("eleventy")` -> `<repo>/dist/eleventy.js`. */
export const distFile = (entry) => path.join(repoRoot, "dist", `${entry}.js`);

/**
 * Imports the built entry points. An adapter that does not export its function yet (the
 * package is being built) comes back as `undefined`, so its rows read "n/a" instead of failing.
 */
export async function loadPackage() {
  const load = async (entry) => import(pathToFileURL(distFile(entry)).href);
  const core = await load("index");
  const [nj, hb, lq, el] = await Promise.all(["nunjucks", "handlebars", "liquid", "eleventy"].map(load));
  return {
    createCacheBuster: core.createCacheBuster,
    registerNunjucks: nj.registerNunjucks,
    registerHandlebars: hb.registerHandlebars,
    registerLiquid: lq.registerLiquid,
    eleventyPlugin: typeof el.default === "function" ? el.default : undefined,
  };
}
