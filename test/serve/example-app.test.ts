import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = join(__dirname, "../..");

describe("the example app (npm run demo:app)", () => {
  it("starts, shows the edited stylesheet under a new URL, and exits 0 with --once", () => {
    const run = spawnSync(process.execPath, ["examples/app/server.mjs", "--once"], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const urls = [...run.stdout.matchAll(/page names +(\S+)/g)].map((m) => m[1]);
    expect(urls).toHaveLength(2);
    expect(urls[0]).toMatch(/^\/css\/site\.css\?v=[0-9a-f]{10}$/);
    expect(urls[1]).not.toBe(urls[0]);
    expect(run.stdout).toMatch(/http:\/\/127\.0\.0\.1:\d+\//);
  });
});
