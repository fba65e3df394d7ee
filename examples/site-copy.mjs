// Temporary copies of examples/site, for the demo and for tests that build the example site
// (the repository itself is never written to).
//
//   import { copyExampleSite, buildExampleSite } from "./examples/site-copy.mjs";
//   const { site, output, remove } = await buildExampleSite({ mode: "path" });
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository this file belongs to. */
export const repo = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * Copies examples/site into a new temporary directory, with `node_modules/cache-id` linked to
 * this repository so that its config's `import "cache-id/eleventy"` resolves to dist/.
 * Returns the copy's directory, its output directory (`_site`, not built yet) and a remover.
 */
export function copyExampleSite() {
  const root = fs.mkdtempSync(join(tmpdir(), "cache-id-example-"));
  const site = join(root, "site");
  fs.cpSync(join(repo, "examples", "site"), site, {
    recursive: true,
    filter: (src) => !/[\\/](_site|node_modules)$/.test(src),
  });
  fs.mkdirSync(join(site, "node_modules"));
  fs.symlinkSync(repo, join(site, "node_modules", "cache-id"), "junction");
  return { site, output: join(site, "_site"), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/**
 * Copies the example site and builds it with Eleventy's command line (`eleventy` run inside the
 * copy), in `mode` "query" or "path". Throws with Eleventy's output if the build fails.
 */
export function buildExampleSite({ mode = "query" } = {}) {
  const copy = copyExampleSite();
  const eleventy = join(repo, "node_modules", "@11ty", "eleventy", "cmd.cjs");
  const run = spawnSync(process.execPath, [eleventy], {
    cwd: copy.site,
    env: { ...process.env, CACHE_BUST_MODE: mode },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (run.status !== 0) {
    copy.remove();
    throw new Error(`building the example site failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  return copy;
}
