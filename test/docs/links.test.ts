// Every relative link of the documentation names a file that exists and, after `#`, a
// heading of that file (as GitHub spells heading anchors).
import * as fs from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { docFiles } from "./blocks.js";

const repo = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** Markdown without its fenced blocks and inline code, where links are not links. */
function prose(text: string): string {
  return text.replace(/^```[^]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}_\- ]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a markdown file's headings (outside fenced blocks). */
function anchorsOf(file: string): Set<string> {
  const text = fs.readFileSync(file, "utf8").replace(/^```[^]*?^```/gm, "");
  return new Set([...text.matchAll(/^#{1,6} (.*)$/gm)].map((m) => anchor(m[1])));
}

/** Links of a file that lead nowhere, as `file: target`. */
function brokenLinks(file: string): string[] {
  const broken: string[] = [];
  for (const [, target] of prose(fs.readFileSync(join(repo, file), "utf8")).matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z][a-z+.-]*:/i.test(target)) continue;
    const [path, hash] = target.split("#");
    const dest = path ? normalize(join(repo, dirname(file), path)) : join(repo, file);
    const ok = fs.existsSync(dest) && (!hash || (dest.endsWith(".md") && anchorsOf(dest).has(hash)));
    if (!ok) broken.push(`${file}: ${target}`);
  }
  return broken;
}

describe("the documentation's links", () => {
  it("lead to files and headings that exist", () => {
    expect(docFiles(repo).flatMap(brokenLinks)).toEqual([]);
  });

  it("use GitHub's anchors for headings with code and punctuation", () => {
    expect(anchor('Fingerprinted file names (`mode: "path"`)')).toBe("fingerprinted-file-names-mode-path");
    expect(anchor("Freshness: never a stale hash")).toBe("freshness-never-a-stale-hash");
  });
});
