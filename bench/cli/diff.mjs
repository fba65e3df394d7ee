// The byte-diff check of the CLI (issue 13): runs another build of the CLI (an older commit's
// dist/cli.js) and this repository's on two copies of the same site, with the same flags, and
// compares the two trees byte for byte, and their summaries. Exits 1 on any difference.
//
//   node bench/cli/diff.mjs <other dist/cli.js> <site dir> [CLI flags...]
//   node bench/cli/diff.mjs ../old/dist/cli.js site --mode path
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { repoRoot } from "../lib/load.mjs";

/** Every file under `dir`, relative, `/`-separated, sorted. */
function files(dir, rel = "") {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...files(dir, p));
    else out.push(p);
  }
  return out.sort();
}

/** Runs one CLI on a fresh copy of `site`; the copy and what it printed (the copy's path as `<site>`). */
function run(cli, site, flags, work, name) {
  const copy = path.join(work, name);
  fs.cpSync(site, copy, { recursive: true, verbatimSymlinks: true });
  const r = spawnSync(process.execPath, [cli, copy, "--no-progress", ...flags], { encoding: "utf8" });
  const shown = (text) => text.split(fs.realpathSync(copy)).join("<site>").split(copy).join("<site>");
  return { copy, status: r.status, stdout: shown(r.stdout), stderr: shown(r.stderr) };
}

const [other, site, ...flags] = process.argv.slice(2);
if (!other || !site) {
  process.stderr.write("usage: node bench/cli/diff.mjs <other dist/cli.js> <site dir> [CLI flags...]\n");
  process.exit(2);
}
const work = fs.mkdtempSync(path.join(fs.existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "cache-id-diff-"));
try {
  const a = run(path.resolve(other), site, flags, work, "other");
  const b = run(path.join(repoRoot, "dist", "cli.js"), site, flags, work, "this");
  const problems = [];
  if (a.status !== b.status) problems.push(`exit codes differ: ${a.status} and ${b.status}`);
  if (a.stdout !== b.stdout) problems.push(`summaries differ:\n${a.stdout}\n---\n${b.stdout}`);
  const [fa, fb] = [files(a.copy), files(b.copy)];
  if (fa.join("\n") !== fb.join("\n")) problems.push("the two trees hold different files");
  let compared = 0;
  const inB = new Set(fb);
  for (const f of fa.filter((f) => inB.has(f))) {
    compared++;
    if (!fs.readFileSync(path.join(a.copy, f)).equals(fs.readFileSync(path.join(b.copy, f))))
      problems.push(`${f} differs`);
  }
  if (problems.length > 0) {
    process.stderr.write(`${problems.slice(0, 20).join("\n")}\n`);
    process.exitCode = 1;
  } else process.stdout.write(`same: ${compared} files byte for byte, same summary and exit code ${b.status}\n`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
