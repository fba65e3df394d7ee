import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sha, tree } from "../css/fixtures.js";
import { CLI, canMakeImmutable, cli, cliWithLockedFolder } from "./run.js";

const read = (dir: string, path: string) => fs.readFileSync(join(dir, path), "utf8");
describe("write errors", () => {
  it.skipIf(!canMakeImmutable)(
    "are reported for every file that could not be written, and the others are written",
    () => {
      const files: Record<string, string> = { "a.png": "A" };
      for (const d of ["locked", "open"]) for (let i = 0; i < 3; i++) files[`${d}/${i}.html`] = '<img src="/a.png">';
      const site = tree(files);
      const r = cliWithLockedFolder(site, "locked", ["--json"]);
      const summary = JSON.parse(r.stdout);
      expect(r.code).toBe(1);
      expect(summary.writeFailures.map((f: { file: string }) => f.file).sort()).toEqual([
        "locked/0.html",
        "locked/1.html",
        "locked/2.html",
      ]);
      expect(summary.filesChanged.sort()).toEqual(["open/0.html", "open/1.html", "open/2.html"]);
      expect(read(site, "open/2.html")).toBe(`<img src="/a.png?v=${sha("A")}">`);
    },
  );
});

describe("a site built under a path prefix, run without --base", () => {
  it("is told which --base to use", () => {
    const files: Record<string, string> = { "css/a.css": "a{}", "img/b.png": "B" };
    for (let i = 0; i < 4; i++)
      files[`p${i}.html`] = '<link rel="stylesheet" href="/repo/css/a.css"><img src="/repo/img/b.png">';
    const r = cli([tree(files)]);
    expect(r.stdout).toContain("--base /repo/");
  });

  it("gets no hint when most references are found", () => {
    const r = cli([
      tree({ "index.html": '<img src="/a.png"><img src="/b.png"><img src="/x/a.png">', "a.png": "A", "b.png": "B" }),
    ]);
    expect(r.stdout).not.toContain("--base");
  });
});

describe("what the CLI busts in HTML", () => {
  it("leaves a preload that a script fetches (as=fetch) alone, and busts other preloads", () => {
    const page =
      '<link rel="preload" as="fetch" href="/index.json" crossorigin><link rel="preload" as="image" href="/a.png">';
    const site = tree({ "index.html": page, "index.json": "{}", "a.png": "A" });
    cli([site]);
    expect(read(site, "index.html")).toBe(
      `<link rel="preload" as="fetch" href="/index.json" crossorigin><link rel="preload" as="image" href="/a.png?v=${sha("A")}">`,
    );
  });

  it("busts lazy-load data-src and data-srcset on images and sources", () => {
    const page =
      '<picture><source data-srcset="/a.png 1x, /b.png 2x"><img data-src="/a.png"></picture><iframe data-src="/a.png"></iframe>';
    const site = tree({ "index.html": page, "a.png": "A", "b.png": "B" });
    cli([site]);
    const [a, b] = [sha("A"), sha("B")];
    expect(read(site, "index.html")).toBe(
      `<picture><source data-srcset="/a.png?v=${a} 1x, /b.png?v=${b} 2x"><img data-src="/a.png?v=${a}"></picture><iframe data-src="/a.png"></iframe>`,
    );
  });

  it("busts og:image and twitter:image, absolute ones on the site's origin under --base", () => {
    const page =
      '<meta property="og:image" content="https://example.com/a.png"><meta name="twitter:image" content="/a.png"><meta name="description" content="/a.png">';
    const site = tree({ "index.html": page, "a.png": "A" });
    cli([site, "--base", "https://example.com/"]);
    const a = sha("A");
    expect(read(site, "index.html")).toBe(
      `<meta property="og:image" content="https://example.com/a.png?v=${a}"><meta name="twitter:image" content="/a.png?v=${a}"><meta name="description" content="/a.png">`,
    );
  });
});

describe("a CLI whose parent process goes away", () => {
  it("stops between two files, as after SIGTERM", async () => {
    const files: Record<string, string> = { "a.png": "A" };
    // Many small pages: far more work after the first progress line than it takes to see it.
    for (let i = 0; i < 4000; i++) files[`p/${i}.html`] = `<img src="/a.png"><p>${"lorem ipsum ".repeat(20)}</p>`;
    const site = tree(files);
    const out = join(site, "..", `${site.split("/").pop()}.out`);
    // A parent that, like npx, dies on SIGTERM without passing it on to the CLI it started.
    const parent = spawn(
      process.execPath,
      [
        "-e",
        `
      const { spawn } = require("node:child_process");
      const fs = require("node:fs");
      const child = spawn(process.execPath, [${JSON.stringify(CLI)}, ${JSON.stringify(site)}, "--progress"], { stdio: ["ignore", fs.openSync(${JSON.stringify(out)}, "w"), "pipe"] });
      process.stdout.write(child.pid + "\\n");
      child.stderr.pipe(process.stderr);
    `,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let pid = 0;
    parent.stdout.setEncoding("utf8").on("data", (c: string) => (pid ||= Number(c.trim())));
    await new Promise<void>((ok) =>
      parent.stderr.setEncoding("utf8").on("data", (c: string) => c.includes("pages") && ok()),
    );
    // Held still while its parent dies, so that even a fast machine cannot finish the run
    // before the CLI's next look at its parent (every 250 ms).
    expect(pid).toBeGreaterThan(0);
    process.kill(pid, "SIGSTOP");
    const parentGone = new Promise((ok) => parent.on("exit", ok));
    parent.kill("SIGTERM");
    await parentGone;
    process.kill(pid, "SIGCONT");
    const gone = async () => {
      for (let i = 0; i < 600; i++) {
        try {
          process.kill(pid, 0);
        } catch {
          return true;
        }
        await new Promise((ok) => setTimeout(ok, 100));
      }
      return false;
    };
    expect(await gone()).toBe(true);
    expect(fs.readFileSync(out, "utf8")).toContain("interrupted");
    fs.rmSync(out, { force: true });
  });
});
