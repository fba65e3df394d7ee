import * as fs from "node:fs";
import { join } from "node:path";

// The temporary trees are the core tests' own, under the names these tests use.
export { site as tree, write as put, sha } from "../core/fixtures.js";

/** Every file under `dir` (relative path -> bytes), to compare whole trees. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else out[rel] = fs.readFileSync(join(dir, rel)).toString("base64");
    }
  };
  walk("");
  return out;
}
