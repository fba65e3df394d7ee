import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sha, tree } from "../css/fixtures.js";
import { canMakeImmutable, cli, cliWithLockedFolder } from "./run.js";

/** A site large enough for the CLI to share its pages with helper threads: `n` pages per folder. */
function largeSite(folders: string[], n: number): { site: string; pages: string[] } {
  const files: Record<string, string> = { "a.png": "A", "b.png": "B" };
  const pages: string[] = [];
  for (const d of folders)
    for (let i = 0; i < n; i++) {
      const page = `${d}/${String(i).padStart(3, "0")}.html`;
      files[page] = `<p>${page}</p><img src="/a.png"><img src="${i % 2 ? "/b.png" : "/a.png"}">`;
      pages.push(page);
    }
  return { site: tree(files), pages: pages.sort() };
}

const busted = (page: string, i: number) =>
  `<p>${page}</p><img src="/a.png?v=${sha("A")}"><img src="${i % 2 ? `/b.png?v=${sha("B")}` : `/a.png?v=${sha("A")}`}">`;

describe("a site of many pages, shared among threads", () => {
  it("gets every page rewritten, and lists them in the pages' order", () => {
    const { site, pages } = largeSite(["a", "b"], 300);
    const r = cli([site, "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).filesChanged).toEqual(pages);
    for (const page of pages)
      expect(fs.readFileSync(join(site, page), "utf8")).toBe(busted(page, Number(page.slice(2, 5))));
  });

  it.skipIf(!canMakeImmutable)("reports every page that could not be written, whichever thread tried", () => {
    const { site, pages } = largeSite(["locked", "open"], 300);
    const r = cliWithLockedFolder(site, "locked", ["--json"]);
    const summary = JSON.parse(r.stdout);
    expect(r.code).toBe(1);
    expect(summary.writeFailures.map((f: { file: string }) => f.file)).toEqual(
      pages.filter((p) => p.startsWith("locked/")),
    );
    expect(summary.filesChanged).toEqual(pages.filter((p) => p.startsWith("open/")));
  });
});
