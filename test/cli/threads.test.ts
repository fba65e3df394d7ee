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

  it("reports what every thread found: counts, missing references in order, and warnings", () => {
    const { site, pages } = largeSite(["a", "b"], 300);
    // Every seventh page also names a missing file and has a value this tool leaves as written.
    const odd = pages.filter((_, i) => i % 7 === 0);
    for (const page of odd)
      fs.appendFileSync(
        join(site, page),
        `\n<img src="/gone-${page.replace(/\W/g, "")}.png"><img src="/a.png?c=&copy;">`,
      );
    const r = cli([site, "--json"]);
    const summary = JSON.parse(r.stdout);
    expect(r.code).toBe(0);
    expect(summary.references).toBe(pages.length * 2 + odd.length * 2);
    expect(summary.busted).toBe(pages.length * 2 + odd.length);
    expect(
      summary.problems.map((p: { file: string; line: number; column: number }) => [p.file, p.line, p.column]),
    ).toEqual(odd.map((page) => [page, 2, 11]));
    expect(summary.warnings).toEqual(
      odd.map((page) => expect.stringMatching(new RegExp(`^${page}:2:41: attribute left as written`))),
    );
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
