// `npm run bench`: measures, in one run, the cost of cache_bust per reference in each engine,
// in whole Eleventy builds, and in the core; prints tables and writes the figures as JSON.
//
//   npm run bench                     full run (a few minutes)
//   npm run bench -- --quick          a much shorter run (smaller site, fewer rounds)
//   npm run bench -- --only engines,core     some parts only (engines, eleventy, core, and
//                                     each added part: cli, js, serve; see bench/README.md)
//   other flags: --rounds N, --pages N, --passthrough, --no-build, --keep, --tmp DIR
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { benchCore } from "./core.mjs";
import { benchEleventy } from "./eleventy.mjs";
import { benchEngines } from "./engines.mjs";
import { generateSite } from "./generate-site.mjs";
import { planAssets, settle, warmPageCache, writeAssets, writeLargeFile } from "./lib/assets.mjs";
import { ensureBuilt, loadPackage, repoRoot } from "./lib/load.mjs";
import { coreTables, eleventyTable, enginesTable, targets } from "./lib/report.mjs";

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    rounds: { type: "string" },
    pages: { type: "string" },
    passthrough: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    tmp: { type: "string" },
    // Internal: run one part in this process on fixtures a parent wrote (see runIsolated).
    child: { type: "string" },
    work: { type: "string" },
  },
});

// Parts added by their own modules (bench/cli.mjs, …), each exporting bench(context).
const ADDED = await loadAddedParts(["cli", "js", "serve"]);
const PARTS = ["engines", "eleventy", "core", ...ADDED.keys()];
const only = flags.only ? flags.only.split(",").map((s) => s.trim()) : PARTS;
for (const p of only)
  if (!PARTS.includes(p)) throw new Error(`bench: unknown part "${p}" (parts: ${PARTS.join(", ")})`);

// Sizes and repetitions. Full: the sizes the issue asks for; quick: the same shapes, smaller.
const plan = flags.quick
  ? { microRounds: 4, microTime: 50, siteRounds: 2, pages: 300, largeMiB: 32 }
  : { microRounds: 12, microTime: 120, siteRounds: 12, pages: 2000, largeMiB: 256 };
if (flags.rounds) plan.microRounds = plan.siteRounds = Number(flags.rounds);
if (flags.pages) plan.pages = Number(flags.pages);

const log = (msg) => console.error(msg);
const began = Date.now();

if (!flags["no-build"] && !flags.child) ensureBuilt(log);
const pkg = await loadPackage();

if (flags.child) {
  // A child: one part on the parent's fixtures; its figures go back through a file.
  const fixtures = JSON.parse(fs.readFileSync(path.join(flags.work, "fixtures.json"), "utf8"));
  const figures = await runPart(flags.child, fixtures);
  fs.writeFileSync(path.join(flags.work, `figures-${flags.child}.json`), JSON.stringify(figures));
  process.exit(0);
}

const work = fs.mkdtempSync(path.join(flags.tmp ?? scratchBase(), "cache-id-bench-"));
const figures = {
  date: new Date().toISOString(),
  command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
  environment: environment(),
  plan,
};
figures.environment.scratch = path.dirname(work);
try {
  // ---- fixtures: written first, so that they are older than the freshness window when used.
  log("writing fixtures...");
  const assetsRoot = path.join(work, "assets-root");
  const small = writeAssets(assetsRoot, planAssets({ count: 500, minKB: 1, maxKB: 50, seed: 1 }));
  const smallWrittenAt = Date.now();
  const largeFile = only.includes("core")
    ? writeLargeFile(path.join(work, "large", "large.bin"), plan.largeMiB * 2 ** 20)
    : undefined;
  const site = only.includes("eleventy") ? generateSite(path.join(work, "site"), { pages: plan.pages }) : undefined;
  warmPageCache([...small.assets.map((a) => a.file), ...(largeFile ? [largeFile] : [])]);
  await settle(smallWrittenAt);
  fs.writeFileSync(
    path.join(work, "fixtures.json"),
    JSON.stringify({ work, assetsRoot, small: small.assets, largeFile }),
  );

  // In the order of old: the micro benchmarks first, then the builds, then the added parts.
  for (const name of ["engines", "core", "eleventy", ...ADDED.keys()]) {
    if (!only.includes(name)) continue;
    if (name === "eleventy") {
      // Each build of this part runs in a fresh Node process of its own already.
      log(`part 2: Eleventy builds, ${plan.pages} pages, ${plan.siteRounds} rounds...`);
      figures.eleventy = await benchEleventy({
        site,
        workDir: work,
        rounds: plan.siteRounds,
        hasPlugin: !!pkg.eleventyPlugin,
        passthrough: flags.passthrough,
        log,
      });
    } else if (name === "engines" || name === "core") figures[name] = runIsolated(name, work);
    else (figures.parts ??= {})[name] = runIsolated(name, work);
  }
} finally {
  if (flags.keep) log(`fixtures kept in ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
figures.environment.loadAfter = os.loadavg().map((x) => Number(x.toFixed(2)));
figures.seconds = Math.round((Date.now() - began) / 1000);

// ---- report
const sections = [];
if (figures.engines)
  sections.push(
    `## Per reference, ${figures.engines.refsPerTemplate} references per template\n\n${enginesTable(figures.engines)}`,
  );
if (figures.eleventy) {
  const e = figures.eleventy;
  sections.push(
    `## Eleventy build, ${e.pages} Nunjucks pages x ${e.refsPerPage} references, ${e.assets} assets (${(e.assetBytes / 1e6).toFixed(1)} MB), ${e.rounds} interleaved rounds\n\n${eleventyTable(e)}`,
  );
}
if (figures.core) sections.push(`## Core\n\n${coreTables(figures.core)}`);
for (const part of Object.values(figures.parts ?? {})) sections.push(`## ${part.title}\n\n${part.text}`);
const goal = targets(figures);
figures.targets = goal.rows;
sections.push(`## Targets (medians of paired ratios)\n\n${goal.text}`);
const env = figures.environment;
console.log(
  `${sections.join("\n\n")}\n\n${figures.command} - Node ${env.node}, ${env.cpus} x ${env.cpu}, load ${env.loadBefore.join(" ")} -> ${env.loadAfter.join(" ")}, ${figures.seconds} s`,
);

const resultsDir = path.join(repoRoot, "bench", "results");
fs.mkdirSync(resultsDir, { recursive: true });
const json = JSON.stringify(figures, null, 2);
const file = path.join(resultsDir, `bench-${figures.date.replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, json);
fs.writeFileSync(path.join(resultsDir, "latest.json"), json);
log(`figures written to ${path.relative(process.cwd(), file)}`);

/**
 * Runs one part in a fresh Node process (this script with `--child`), as JMH forks a JVM per
 * benchmark: run in one process after the engines part, the core's cold hashing measured 8% slower
 * than alone (0.86x against 0.94x of its baseline), the JIT having tuned shared code for another
 * part's calls. The child gets the same flags and Node options (`--cpu-prof` included).
 */
function runIsolated(name, work) {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    ...process.argv.slice(2),
    "--child",
    name,
    "--work",
    work,
  ];
  const child = spawnSync(process.execPath, args, { stdio: "inherit" });
  if (child.status !== 0) throw new Error(`bench: part ${name} failed (exit ${child.status ?? child.signal})`);
  return JSON.parse(fs.readFileSync(path.join(work, `figures-${name}.json`), "utf8"));
}

/** Runs one part in this process on the fixtures `runIsolated`'s parent wrote; returns its figures. */
async function runPart(name, { work, assetsRoot, small, largeFile }) {
  // 100 references spread over the kinds of asset, for the per-engine templates and the hits.
  const hundred = small.filter((_, i) => i % 5 === 0).slice(0, 100);
  if (name === "engines") {
    log("part 1: per reference, per engine...");
    return benchEngines({
      pkg,
      root: assetsRoot,
      urls: hundred.map((a) => a.urlPath),
      rounds: plan.microRounds,
      time: plan.microTime,
      log,
    });
  }
  if (name === "core") {
    log("part 3: the core...");
    return benchCore({
      pkg,
      root: assetsRoot,
      small,
      largeFile,
      hits: hundred,
      rounds: plan.microRounds,
      time: plan.microTime,
      log,
    });
  }
  log(`part ${name}...`);
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  return ADDED.get(name)({ pkg, work: dir, plan, quick: flags.quick, log });
}

/**
 * Where fixtures and build outputs go: a RAM-backed tmpfs when there is one, so that 2,000
 * pages written per build measure the build, not a shared disk's write-back stalls.
 */
function scratchBase() {
  try {
    fs.accessSync("/dev/shm", fs.constants.W_OK);
    if (fs.statSync("/dev/shm").isDirectory()) return "/dev/shm";
  } catch {
    // No writable /dev/shm: the OS's temporary directory.
  }
  return os.tmpdir();
}

/**
 * The added parts whose module exists and exports `bench`, by name. A module without it is
 * reported and left out, so that a part in progress never stops the others.
 */
async function loadAddedParts(names) {
  const parts = new Map();
  for (const name of names) {
    const file = path.join(repoRoot, "bench", `${name}.mjs`);
    if (!fs.existsSync(file)) continue;
    const mod = await import(pathToFileURL(file).href);
    if (typeof mod.bench === "function") parts.set(name, mod.bench);
    else console.error(`bench: bench/${name}.mjs exports no bench(context) function; part ${name} left out`);
  }
  return parts;
}

/** What the figures were measured on. */
function environment() {
  const commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: repoRoot, encoding: "utf8" });
  const cpus = os.cpus();
  return {
    node: process.versions.node,
    platform: `${os.platform()} ${os.release()}`,
    cpus: cpus.length,
    cpu: cpus[0]?.model.trim() ?? "unknown",
    commit: commit.status === 0 ? commit.stdout.trim() : undefined,
    loadBefore: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
}
