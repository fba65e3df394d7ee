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
export function tree(files: Record<string, string | Buffer> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), "cache-id-js-")));
  made.push(dir);
  for (const [path, contents] of Object.entries(files)) put(dir, path, contents);
  return dir;
}

/** Writes a file, creating its directories. */
export function put(dir: string, path: string, contents: string | Buffer): string {
  const file = join(dir, path);
  fs.mkdirSync(dirname(file), { recursive: true });
  fs.writeFileSync(file, contents);
  return file;
}

/** What anyone can recompute: `sha256sum file | cut -c1-10`. */
export function sha(contents: string | Buffer): string {
  return createHash("sha256").update(contents).digest("hex").slice(0, 10);
}
