import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { transformSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { sha, tree } from "./fixtures.js";

/** The built CLI (`npx tsup --silent` first), run as users run it. */
const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const UTIL = "export const msg = 'one';\n";
const APP = 'import { msg } from "./util.js";\ndocument.body.dataset.msg = msg;\n';
const PAGE = '<!doctype html><html><head><script type="module" src="/js/app.js"></script></head><body></body></html>\n';
const read = (dir: string, path: string) => fs.readFileSync(join(dir, path), "utf8");

describe("the CLI's --js", () => {
  it("--js rewrite rewrites the modules the pages load in place, and the pages name their new hashes", () => {
    const dir = tree({ "index.html": PAGE, "js/app.js": APP, "js/util.js": UTIL });
    const r = cli([dir, "--js", "rewrite"]);
    expect(r.code, r.stderr).toBe(0);
    const rewritten = APP.replace('"./util.js"', `"./util.js?v=${sha(UTIL)}"`);
    expect(read(dir, "js/app.js")).toBe(rewritten);
    expect(read(dir, "index.html")).toContain(`src="/js/app.js?v=${sha(rewritten)}"`);
  });

  it("--js rewrite writes a module's source map shifted to match it", () => {
    const out = transformSync('import { msg } from "./util.js";\nexport const shout = () => msg.toUpperCase();\n', {
      minify: true,
      sourcemap: "external",
      format: "esm",
      sourcefile: "app.src.js",
    });
    const code = `${out.code}//# sourceMappingURL=app.js.map\n`;
    const dir = tree({ "index.html": PAGE, "js/app.js": code, "js/app.js.map": out.map, "js/util.js": UTIL });
    expect(cli([dir, "--js", "rewrite"]).code).toBe(0);
    const map = read(dir, "js/app.js.map");
    expect(map).not.toBe(out.map);
    expect(read(dir, "js/app.js")).toContain(`sourceMappingURL=app.js.map?v=${sha(map)}`);
  });

  it("--js importmap leaves the modules alone and gives each page its import map", () => {
    const dir = tree({ "index.html": PAGE, "js/app.js": APP, "js/util.js": UTIL });
    const r = cli([dir, "--js", "importmap"]);
    expect(r.code, r.stderr).toBe(0);
    expect(read(dir, "js/app.js")).toBe(APP);
    expect(read(dir, "index.html")).toBe(
      PAGE.replace(
        '<script type="module" src="/js/app.js">',
        `<script type="importmap">{"imports":{"/js/util.js":"/js/util.js?v=${sha(UTIL)}"}}</script><script type="module" src="/js/app.js?v=${sha(APP)}">`,
      ),
    );
  });

  it("without --js, modules are hashed as they are", () => {
    const dir = tree({ "index.html": PAGE, "js/app.js": APP, "js/util.js": UTIL });
    expect(cli([dir]).code).toBe(0);
    expect(read(dir, "js/app.js")).toBe(APP);
    expect(read(dir, "index.html")).toContain(`src="/js/app.js?v=${sha(APP)}"`);
  });

  it("refuses a --js value it does not know, with exit code 2", () => {
    const dir = tree({ "index.html": PAGE });
    const r = cli([dir, "--js", "bundle"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--js must be rewrite or importmap");
  });
});
