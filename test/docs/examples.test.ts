// Every example of the documentation that can run, runs: `js` blocks as ES modules (their
// result comments checked), `sh` blocks marked `<!-- run -->` in bash, each in its own
// directory holding the files the examples name, against the built package.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { type Block, blocksOf, docFiles, instrument, runnable, where } from "./blocks.js";
import { exampleDir, projectDir } from "./fixture.js";

const run = promisify(execFile);
const repo = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const blocks = docFiles(repo).flatMap((file) => blocksOf(join(repo, file), fs.readFileSync(join(repo, file), "utf8")));
const project = projectDir(repo);
afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

// `npx cache-id` runs this repository's CLI; any other npx command would reach the network.
const SH_PRELUDE = `set -euo pipefail
npx() { if [ "$1" = cache-id ]; then shift; node "$CACHE_ID_CLI" "$@"; else echo "no npx $1 here" >&2; return 127; fi; }
`;

/** Runs one block in a fresh example directory; resolves to its output or rejects with it. */
async function runBlock(block: Block, index: number): Promise<string> {
  const dir = exampleDir(project, `example-${index}`);
  const options = { cwd: dir, timeout: 60_000, env: { ...process.env, CACHE_ID_CLI: join(repo, "dist", "cli.js") } };
  if (block.lang === "sh") {
    const { stdout } = await run("bash", ["-c", SH_PRELUDE + block.code], options);
    return stdout;
  }
  const script = join(dir, "example.mjs");
  fs.writeFileSync(script, instrument(block.code));
  const { stdout } = await run(process.execPath, [script], options);
  return stdout;
}

describe("the documentation's examples", () => {
  it("include runnable blocks", () => {
    expect(blocks.filter(runnable).length).toBeGreaterThan(5);
  });

  blocks.forEach((block, index) => {
    if (!runnable(block)) return;
    it(`run as written at ${where(block, repo)}`, async () => {
      await runBlock(block, index).catch((e: { stderr?: string; message: string }) => {
        throw new Error(`${where(block, repo)} failed:\n${e.stderr || e.message}`);
      });
    });
  });
});
