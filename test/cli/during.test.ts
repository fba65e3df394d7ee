import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { put, sha, snapshot, tree } from "../css/fixtures.js";
import { cli, cliAsync } from "./run.js";

const FILLER = `<p>${"lorem ipsum ".repeat(2000)}</p>`;

/** A site of `pages` pages that each name `/a.png`, large enough that a run takes a while. */
function bigSite(pages: number, extra: Record<string, string> = {}): { site: string; files: Record<string, string> } {
  const files: Record<string, string> = { "a.png": "A", ...extra };
  for (let i = 0; i < pages; i++) files[`p/${i}.html`] = `<img src="/a.png">${FILLER}`;
  return { site: tree(files), files };
}

/** Runs the CLI with progress on stderr and calls `act` once, when a progress line contains `phase`. */
function runActingAt(
  args: string[],
  phase: string,
  act: (child: ReturnType<typeof import("node:child_process").spawn>) => void,
) {
  let done = false;
  return cliAsync([...args, "--progress"], (chunk, child) => {
    if (!done && chunk.includes(phase)) {
      done = true;
      act(child);
    }
  }).then((r) => ({ ...r, acted: done }));
}

describe("an asset edited during a run", () => {
  it("fails the run naming the file, and writes no page with its old hash (query mode)", async () => {
    const { site } = bigSite(300);
    const r = await runActingAt([site, "--json"], "pages", () => put(site, "a.png", "changed"));
    expect(r.acted).toBe(true);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).writeFailures).toContainEqual(
      expect.objectContaining({ file: "a.png", code: "FILE_CHANGED" }),
    );
    const stale = `?v=${sha("A")}`;
    const pages = Object.keys(snapshot(site)).filter((n) => n.endsWith(".html"));
    expect(pages.filter((n) => fs.readFileSync(join(site, n), "utf8").includes(stale))).toEqual([]);
  });

  it("fails the run, and no page names a copy that is not there (path mode)", async () => {
    const { site } = bigSite(300);
    const r = await runActingAt([site, "--mode", "path"], "pages", () => put(site, "a.png", "changed"));
    expect(r.acted).toBe(true);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("FILE_CHANGED");
    for (const n of Object.keys(snapshot(site)).filter((n) => n.endsWith(".html"))) {
      const src = /src="\/([^"]+)"/.exec(fs.readFileSync(join(site, n), "utf8"))?.[1] as string;
      expect(fs.existsSync(join(site, src))).toBe(true);
    }
  });
});

describe("a run stopped by SIGTERM", () => {
  it("reports the files it wrote, not the files it planned", async () => {
    const { site, files } = bigSite(600);
    const r = await runActingAt([site, "--json"], "writing", (child) => child.kill("SIGTERM"));
    expect(r.acted).toBe(true);
    const written = Object.keys(files).filter(
      (n) => n.endsWith(".html") && fs.readFileSync(join(site, n), "utf8") !== files[n],
    );
    if (r.code === 143) expect(JSON.parse(r.stdout)).toMatchObject({ interrupted: true });
    expect(JSON.parse(r.stdout).filesChanged.sort()).toEqual(written.sort());
  });

  it("reports no file written when stopped while planning", async () => {
    const { site } = bigSite(600);
    const r = await runActingAt([site], "pages", (child) => child.kill("SIGTERM"));
    expect(r.acted).toBe(true);
    expect(r.code).toBe(143);
    expect(r.stdout).toContain("rewrote 0 files");
  });
});

describe("a second run on the same directory", () => {
  it("is refused with a clear message while the first one runs, and the first one finishes", async () => {
    const { site } = bigSite(400);
    let second: ReturnType<typeof cli> | undefined;
    // The first run is held still while the second one tries: a run of 400 pages can otherwise
    // finish (and let go of the lock) before a second Node process has started.
    const first = await runActingAt([site], "pages", (child) => {
      child.kill("SIGSTOP");
      try {
        second = cli([site]);
      } finally {
        child.kill("SIGCONT");
      }
    });
    expect(second?.code).toBe(1);
    expect(second?.stderr).toContain("another cache-id run");
    expect(first.code).toBe(0);
    expect(Object.keys(snapshot(site)).filter((n) => n.includes(".tmp") || n.includes(".lock"))).toEqual([]);
  });

  it("is not refused because of the lock of a run that was killed", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    }).stdout;
    const site = tree({ "index.html": '<img src="a.png">', "a.png": "A", ".cache-id.lock": `${dead}\n` });
    const r = cli([site]);
    expect(r.code).toBe(0);
    expect(fs.readFileSync(join(site, "index.html"), "utf8")).toBe(`<img src="a.png?v=${sha("A")}">`);
    expect(fs.existsSync(join(site, ".cache-id.lock"))).toBe(false);
  });
});

describe("a directory swapped for a symbolic link between planning and writing", () => {
  it("does not redirect any write out of the site", async () => {
    const { site } = bigSite(300);
    const out = fs.mkdtempSync(join(tmpdir(), "cache-id-out-"));
    // A temporary file of the write under way may vanish between the listing and the read.
    const busted = () =>
      fs
        .readdirSync(join(out, "p"))
        .filter((n) => !n.endsWith(".cache-id.tmp") && fs.readFileSync(join(out, "p", n), "utf8").includes("?v="));
    let before: string[] = [];
    const r = await runActingAt([site], "writing", () => {
      fs.renameSync(join(site, "p"), join(out, "p"));
      fs.symlinkSync(join(out, "p"), join(site, "p"));
      before = busted(); // written inside the site before the swap, and moved out with it
    });
    expect(r.acted).toBe(true);
    const after = busted().filter((n) => !before.includes(n));
    fs.rmSync(out, { recursive: true, force: true });
    expect(r.code).toBe(1);
    // At most the one write under way at the moment of the swap (its directory was checked before).
    expect(after.length).toBeLessThanOrEqual(1);
    expect(r.stdout).toContain("OUTSIDE_OUTPUT");
  });
});
