import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tree } from "../css/fixtures.js";

/** The built CLI (`npx tsup --silent` first), run as users run it; `CACHE_ID_CLI` names another build (to check a test fails on old code). */
export const CLI = process.env.CACHE_ID_CLI ?? fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

/** Runs the CLI to completion. */
export function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npx tsup --silent first`);
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the CLI; resolves with its exit code and output once it ends. */
export function cliAsync(args: string[], onStderr?: (chunk: string, child: ReturnType<typeof spawn>) => void) {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => {
    stderr += c;
    onStderr?.(c, child);
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((ok) =>
    child.on("close", (code, signal) => ok({ code, signal, stdout, stderr })),
  );
}

/** Whether this process may make a directory immutable (`chattr +i`: root on a file system that has it). */
export const canMakeImmutable = (() => {
  const probe = tree({ x: "x" });
  return spawnSync("chattr", ["+i", probe]).status === 0 && spawnSync("chattr", ["-i", probe]).status === 0;
})();

/** Runs the CLI on `site` with its folder `locked` made immutable for the run (see {@link canMakeImmutable}). */
export function cliWithLockedFolder(site: string, locked: string, args: string[]): ReturnType<typeof cli> {
  spawnSync("chattr", ["+i", join(site, locked)]);
  try {
    return cli([site, ...args]);
  } finally {
    spawnSync("chattr", ["-i", join(site, locked)]);
  }
}
