import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach } from "vitest";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory holding `files` (path -> contents), removed after the test. */
export function site(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), "cache-id-")));
  made.push(dir);
  for (const [path, contents] of Object.entries(files)) write(dir, path, contents);
  return dir;
}

/** Writes a file, creating its directories. */
export function write(dir: string, path: string, contents: string | Buffer): string {
  const file = join(dir, path);
  fs.mkdirSync(dirname(file), { recursive: true });
  fs.writeFileSync(file, contents);
  return file;
}

/** What anyone can recompute: `sha256sum file | cut -c1-10`. */
export function sha(contents: string | Buffer, algorithm = "sha256", length = 10): string {
  return createHash(algorithm).update(contents).digest("hex").slice(0, length);
}

/**
 * Waits until the files' last change is in the past by more than `ms`, so that a buster with
 * `trustAfterMs: ms - 1` (or less) trusts a hash read now.
 */
export async function settle(files: string[], ms = 2): Promise<void> {
  const latest = Math.max(...files.map((f) => Math.max(fs.statSync(f).mtimeMs, fs.statSync(f).ctimeMs)));
  while (Date.now() <= latest + ms) await new Promise((r) => setTimeout(r, 1));
}
