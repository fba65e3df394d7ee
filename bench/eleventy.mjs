// Part 2: whole Eleventy builds of the synthetic site, one per fresh process, the variants
// interleaved round by round (in rotated order), compared by paired ratios within each round.
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { urlsIn } from "./lib/baselines.mjs";
import { median, pairedRatio, permutation, rotate } from "./lib/stats.mjs";

const isStylesheet = (url) => /\.css(\?|$)/.test(url);
const isScript = (url) => /\.js(\?|$)/.test(url);
const isHashed = (url) => /[?&]v=[0-9a-f]{10}$/.test(url);

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), "eleventy-build.mjs");

/** Runs one build in a new Node process; resolves with its timing and a sample page. */
function build(variant, input, output, passthrough) {
  return new Promise((resolve, reject) => {
    const args = [variant, input, output, ...(passthrough ? ["--passthrough"] : [])];
    const child = fork(CHILD, args, { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    let result;
    child.stderr.on("data", (d) => (stderr += d));
    child.on("message", (m) => (result = m));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0 && result) resolve(result);
      else reject(new Error(`bench: the ${variant} build failed (exit ${code}):\n${stderr.slice(-4000)}`));
    });
  });
}

/** The pairs reported, as [numerator, denominator]. */
const PAIRS = [
  ["identity", "plain"],
  ["plugin", "plain"],
  ["plugin-nocss", "plain"],
  ["plugin-js", "plain"],
  ["naive", "plain"],
  ["plugin", "identity"],
  ["plugin-nocss", "identity"],
  ["plugin-js", "identity"],
  ["naive", "identity"],
];

/** The variants whose time is compared with the identity filter's: the ratios the targets are on. */
const NEAR_IDENTITY = ["identity", "plugin", "plugin-nocss", "plugin-js"];

/**
 * The order of one round's builds. The identity filter and the variants compared with it run
 * as one block, next to each other: a slow phase of the shared machine lasts seconds, so
 * builds far apart in a round make a noisier pair. Inside the block the order cycles through
 * every permutation (each pair in both orders equally often); the block, the build without
 * busting and the naive filter rotate around each other.
 */
export function roundOrder(variants, round) {
  const near = permutation(
    variants.filter((v) => NEAR_IDENTITY.includes(v)),
    round,
  );
  const blocks = [["plain"], near, ["naive"]].filter((b) => b.every((v) => variants.includes(v)));
  return rotate(blocks, round).flat();
}

/**
 * Runs part 2 on a site made by `generateSite`. `hasPlugin` is false while the plugin is not
 * built yet (its rows then read "n/a").
 */
export async function benchEleventy({ site, workDir, rounds, hasPlugin, passthrough, log }) {
  const variants = ["plain", "identity", ...(hasPlugin ? ["plugin", "plugin-nocss", "plugin-js"] : []), "naive"];
  const times = Object.fromEntries(variants.map((v) => [v, []]));
  const cpu = Object.fromEntries(variants.map((v) => [v, []]));
  const samples = {};
  for (let r = 0; r < rounds; r++) {
    for (const variant of roundOrder(variants, r)) {
      const input = variant === "plain" ? site.inputs.plain : site.inputs.filtered;
      const output = path.join(workDir, `out-${variant}`);
      fs.rmSync(output, { recursive: true, force: true });
      const result = await build(variant, input, output, passthrough);
      if (result.pages !== site.pages)
        throw new Error(`bench: the ${variant} build wrote ${result.pages} pages, expected ${site.pages}`);
      times[variant].push(result.ms);
      cpu[variant].push(result.cpuMs);
      samples[variant] ??= urlsIn(result.sample);
    }
    const line = variants.map(
      (v) => `${v} ${(times[v][r] / 1000).toFixed(2)} s (CPU ${(cpu[v][r] / 1000).toFixed(2)} s)`,
    );
    log(`  round ${r + 1}/${rounds}: ${line.join(", ")}`);
  }
  // The plugin must produce what hashing by hand produces, or its speed means nothing.
  // Stylesheets excepted: the plugin hashes them as rewritten (their url()s busted).
  if (samples.plugin) {
    const differs = samples.plugin.findIndex((u, i) => (isStylesheet(u) ? !isHashed(u) : u !== samples.naive[i]));
    if (differs >= 0 || samples.plugin.length !== samples.naive.length) {
      throw new Error(
        `bench: plugin and naive builds disagree: ${samples.plugin[differs]} vs ${samples.naive[differs]}`,
      );
    }
  }
  // With modules rewritten (`js: true`), scripts are hashed as rewritten (their imports busted) too.
  const js = samples["plugin-js"];
  if (
    js &&
    (js.length !== samples.naive.length ||
      js.some((u, i) => (isStylesheet(u) || isScript(u) ? !isHashed(u) : u !== samples.naive[i])))
  )
    throw new Error("bench: the plugin with modules rewritten and the naive filter disagree");
  if (samples["plugin-nocss"] && JSON.stringify(samples["plugin-nocss"]) !== JSON.stringify(samples.naive)) {
    throw new Error("bench: the plugin without stylesheet rewriting and the naive filter disagree");
  }
  if (JSON.stringify(samples.identity) !== JSON.stringify(samples.plain))
    throw new Error("bench: identity and plain builds disagree");
  const ratios = {};
  const cpuRatios = {};
  for (const [a, b] of PAIRS) {
    if (!times[a] || !times[b]) continue;
    ratios[`${a}/${b}`] = pairedRatio(times[a], times[b]);
    cpuRatios[`${a}/${b}`] = pairedRatio(cpu[a], cpu[b]);
  }
  return {
    pages: site.pages,
    refsPerPage: site.refsPerPage,
    assets: site.assets.length,
    assetBytes: site.assetBytes,
    passthrough,
    rounds,
    builds: Object.fromEntries(
      variants.map((v) => [v, { ms: median(times[v]), runs: times[v], cpuMs: median(cpu[v]), cpuRuns: cpu[v] }]),
    ),
    ratios,
    cpuRatios,
    sampleUrl: samples.plugin?.find((u) => u.includes("?")),
  };
}
