// The CLI on a generated finished site (issue 13): time against a naive regex buster doing the
// same rewriting (bench/cli/naive.mjs), in query and path mode; peak memory; a re-run with
// nothing to change against a first run. Each run is a fresh Node process on a fresh copy of
// the unbusted site; the variants alternate round by round and are compared by paired ratios.
// A full run then busts a site of 100,000 pages once, for the peak memory there
// (CACHE_ID_BENCH_LARGE=N in the environment for another size, 0 to skip it).
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generate } from "./cli/site.mjs";
import { duration, table, times, verdict } from "./lib/format.mjs";
import { repoRoot } from "./lib/load.mjs";
import { median, pairedRatio } from "./lib/stats.mjs";

const CLI = path.join(repoRoot, "dist", "cli.js");
const NAIVE = path.join(repoRoot, "bench", "cli", "naive.mjs");
// Prints the process's peak resident set size when it exits, for any script.
const PEAK = `--import=data:text/javascript,process.on("exit",()=>process.stderr.write("\\nMAXRSS "+process.resourceUsage().maxRSS+"\\n"))`;
/** Runs a script on `dir` in a fresh process; its time (ms) and peak RSS (MB). */
function timed(script, args) {
  const began = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [PEAK, script, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (r.status !== 0)
    throw new Error(
      `bench cli: ${path.basename(script)} ${args.join(" ")} exited ${r.status}: ${r.stderr.slice(-2000)}`,
    );
  // Worker threads print it too when they end: the last, the process's own, is the peak.
  const rss = Math.max(...[...r.stderr.matchAll(/MAXRSS (\d+)/g)].map((m) => Number(m[1]))) / 1024;
  return { ms, rss };
}

const fresh = (source, work, name) => {
  const dir = path.join(work, name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(source, dir, { recursive: true });
  return dir;
};

/** The rounds: naive and CLI in both modes, then the CLI again on its own output (query mode). */
function measure(source, work, rounds, log) {
  const out = { naiveQuery: [], cliQuery: [], naivePath: [], cliPath: [], rerun: [], rssQuery: [], rssPath: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["naive", "cli"] : ["cli", "naive"];
    for (const mode of ["query", "path"]) {
      for (const who of order) {
        const dir = fresh(source, work, "site");
        const r = who === "naive" ? timed(NAIVE, [dir, mode]) : timed(CLI, [dir, "--mode", mode, "--no-progress"]);
        out[`${who}${mode === "query" ? "Query" : "Path"}`].push(r.ms);
        if (who === "cli") out[mode === "query" ? "rssQuery" : "rssPath"].push(r.rss);
        if (who === "cli" && mode === "query") out.rerun.push(timed(CLI, [dir, "--no-progress"]).ms);
      }
    }
    log(`bench cli: round ${round + 1}/${rounds} done`);
  }
  return out;
}

/** One run of each on a large site, for the CLI's peak memory (and, for reference, its time). */
function large(work, pages, log) {
  const source = path.join(work, "large-source");
  log(`bench cli: generating a site of ${pages} pages`);
  generate(source, pages);
  const naive = timed(NAIVE, [fresh(source, work, "large"), "query"]);
  log(`bench cli: naive pass on ${pages} pages took ${duration(naive.ms)}`);
  const cli = timed(CLI, [fresh(source, work, "large"), "--no-progress"]);
  log(`bench cli: the CLI on ${pages} pages took ${duration(cli.ms)}, peak ${cli.rss.toFixed(0)} MB`);
  for (const dir of [source, path.join(work, "large")]) fs.rmSync(dir, { recursive: true, force: true });
  return { pages, naiveMs: naive.ms, cliMs: cli.ms, rss: cli.rss };
}

/** Measures the CLI on a generated site; see the file's head. */
export async function bench({ work, quick, log }) {
  const pages = quick ? 1000 : 10000;
  const source = path.join(work, "source");
  log(`bench cli: generating a site of ${pages} pages`);
  generate(source, pages);
  const m = measure(source, work, quick ? 2 : 3, log);
  fs.rmSync(source, { recursive: true, force: true });
  const largePages = Number(process.env.CACHE_ID_BENCH_LARGE ?? (quick ? 0 : 100000));
  if (largePages > 0) m.large = large(work, largePages, log);
  const query = pairedRatio(m.cliQuery, m.naiveQuery).median;
  const pathRatio = pairedRatio(m.cliPath, m.naivePath).median;
  const rerun = pairedRatio(m.rerun, m.cliQuery).median;
  const peak = Math.max(...m.rssQuery, ...m.rssPath);
  const rows = [
    ["naive regex buster, query mode", duration(median(m.naiveQuery)), ""],
    ["cache-id, query mode", duration(median(m.cliQuery)), times(query)],
    ["naive regex buster, path mode", duration(median(m.naivePath)), ""],
    ["cache-id, path mode", duration(median(m.cliPath)), times(pathRatio)],
    [
      "cache-id again on its own output (nothing to change)",
      duration(median(m.rerun)),
      `${times(rerun)} of a first run`,
    ],
  ];
  if (m.large)
    rows.push(
      [`naive regex buster, query mode, ${m.large.pages} pages (one run)`, duration(m.large.naiveMs), ""],
      [
        `cache-id, query mode, ${m.large.pages} pages (one run)`,
        duration(m.large.cliMs),
        times(m.large.cliMs / m.large.naiveMs),
      ],
    );
  const largePeak = m.large ? `; ${m.large.pages} pages: ${m.large.rss.toFixed(0)} MB` : "";
  const text = `${table(["run", "median", "ratio"], rows)}\n\nPeak RSS of the CLI: ${peak.toFixed(0)} MB (query ${Math.max(...m.rssQuery).toFixed(0)}, path ${Math.max(...m.rssPath).toFixed(0)}${largePeak}).`;
  return {
    title: `The CLI, ${pages} pages`,
    text,
    figures: m,
    targets: [
      {
        what: `CLI / naive regex pass, query mode (${pages} pages)`,
        goal: "<= 2.00x",
        value: query,
        limit: 2,
        verdict: verdict(query, 2),
      },
      {
        what: `CLI / naive regex pass, path mode (${pages} pages)`,
        goal: "<= 2.00x",
        value: pathRatio,
        limit: 2,
        verdict: verdict(pathRatio, 2),
      },
      // As a share of the 400 MB budget, since the targets table shows ratios.
      {
        what: `CLI peak RSS / 400 MB (${pages} pages; ${peak.toFixed(0)} MB)`,
        goal: "<= 1.00x",
        value: peak / 400,
        limit: 1,
        verdict: verdict(peak, 400),
      },
      ...(m.large
        ? [
            {
              what: `CLI peak RSS / 400 MB (${m.large.pages} pages; ${m.large.rss.toFixed(0)} MB)`,
              goal: "<= 1.00x",
              value: m.large.rss / 400,
              limit: 1,
              verdict: verdict(m.large.rss, 400),
            },
            {
              what: `CLI / naive regex pass, query mode (${m.large.pages} pages, one run)`,
              goal: "",
              value: m.large.cliMs / m.large.naiveMs,
            },
          ]
        : []),
      {
        what: "CLI re-run with nothing to change / first run",
        goal: "< 1.00x",
        value: rerun,
        limit: 1,
        verdict: verdict(rerun, 1),
      },
    ],
  };
}
