// Rewriting the modules of a realistic unbundled app (lodash-es: about 640 ES modules, each
// importing its helpers by relative URL) against reading and hashing the same files, in the
// same rounds, alternating which goes first. Target: rewrite <= 1.3x read-and-hash.
//
//   node bench/js.mjs [--rounds N] [--warmup N]      (also part of `npm run bench`)
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { settle } from "./lib/assets.mjs";
import { distFile, ensureBuilt, repoRoot } from "./lib/load.mjs";
import { median, pairedRatio } from "./lib/stats.mjs";

/** Copies lodash-es's modules into `dir/js/lodash/`; returns their URL paths. */
function writeApp(dir) {
  const from = path.join(repoRoot, "node_modules", "lodash-es");
  const to = path.join(dir, "js", "lodash");
  fs.mkdirSync(to, { recursive: true });
  const urls = [];
  for (const name of fs.readdirSync(from)) {
    if (!name.endsWith(".js")) continue;
    fs.copyFileSync(path.join(from, name), path.join(to, name));
    urls.push(`/js/lodash/${name}`);
  }
  return urls;
}

/** Milliseconds to hash every URL with a fresh buster made by `make`. */
function timeAll(make, urls) {
  const buster = make();
  const start = process.hrtime.bigint();
  for (const url of urls) buster.hash(url);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Milliseconds for es-module-lexer alone to read every module's text, already in memory: a
 * floor under what rewriting adds to reading and hashing, whatever the rest costs.
 */
function timeLexer(parse, texts) {
  const start = process.hrtime.bigint();
  for (const text of texts) parse(text);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/**
 * Runs the comparison; returns the per-round times and their paired ratio.
 * @example await benchJs({ rounds: 10 }) // { files, bytes, hashMs, rewriteMs, lexMs, ratio: { median, min, max }, lexerFloor }
 * `warmup` passes of each (not timed) come first.
 */
export async function benchJs({ rounds = 15, warmup = 10, work, log = () => {} } = {}) {
  const { createCacheBuster } = await import(pathToFileURL(distFile("index")).href);
  const { jsTransformer } = await import(pathToFileURL(distFile("js")).href);
  const dir = fs.mkdtempSync(path.join(work ?? os.tmpdir(), "cache-id-bench-js-"));
  try {
    const urls = writeApp(dir);
    // Older than the freshness window, as a deployed app's files are: hashes are then reused.
    await settle(Date.now());
    const bytes = urls.reduce((n, u) => n + fs.statSync(path.join(dir, u)).size, 0);
    // `validate: "once"`, as builds (Eleventy, the CLI) use it.
    const plain = () => createCacheBuster({ root: dir, validate: "once" });
    const rewriting = () => createCacheBuster({ root: dir, validate: "once", transformers: [jsTransformer()] });
    // The same build of the lexer the transformer loads (the package's own dependency).
    const lexer = createRequire(distFile("js"))("es-module-lexer/minimal");
    await lexer.init;
    const texts = urls.map((u) => fs.readFileSync(path.join(dir, u), "utf8"));
    // Warm-up: page cache, JIT, the lexer's WebAssembly. One pass was not enough: the next ten
    // or so still ran while V8 compiled the rewriting path (two to six times slower, in an order
    // that changed from run to run), so a 12-round median measured the compiler, not the files.
    for (let i = 0; i < warmup; i++) {
      timeAll(plain, urls);
      timeAll(rewriting, urls);
      timeLexer(lexer.parse, texts);
    }
    const hashMs = [];
    const rewriteMs = [];
    const lexMs = [];
    for (let round = 0; round < rounds; round++) {
      if (round % 2 === 0) {
        hashMs.push(timeAll(plain, urls));
        rewriteMs.push(timeAll(rewriting, urls));
      } else {
        rewriteMs.push(timeAll(rewriting, urls));
        hashMs.push(timeAll(plain, urls));
      }
      lexMs.push(timeLexer(lexer.parse, texts));
      log(
        `js round ${round + 1}/${rounds}: hash ${hashMs.at(-1).toFixed(1)} ms, rewrite ${rewriteMs.at(-1).toFixed(1)} ms`,
      );
    }
    const ratio = pairedRatio(rewriteMs, hashMs);
    const floor = pairedRatio(
      hashMs.map((h, i) => h + lexMs[i]),
      hashMs,
    );
    return {
      files: urls.length,
      bytes,
      hashMs: median(hashMs),
      rewriteMs: median(rewriteMs),
      lexMs: median(lexMs),
      ratio: { median: ratio.median, min: ratio.min, max: ratio.max },
      lexerFloor: floor.median,
      target: 1.3,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The result as a small Markdown table. */
export function jsTable(r) {
  return [
    `| ${r.files} modules (lodash-es, ${(r.bytes / 1024).toFixed(0)} KiB) | median ms |`,
    "| --- | --- |",
    `| read and hash | ${r.hashMs.toFixed(1)} |`,
    `| rewrite imports (jsTransformer) | ${r.rewriteMs.toFixed(1)} |`,
    `| es-module-lexer alone, text in memory | ${r.lexMs.toFixed(1)} |`,
    `| ratio (paired, median [min-max]) | ${r.ratio.median.toFixed(3)}x [${r.ratio.min.toFixed(3)}-${r.ratio.max.toFixed(3)}] (target <= ${r.target}x) |`,
    `| floor: read and hash, plus the lexer alone | ${r.lexerFloor.toFixed(3)}x |`,
  ].join("\n");
}

/** The part `npm run bench` runs (see bench/README.md). */
export async function bench({ work, plan, quick, log }) {
  const result = await benchJs({
    rounds: quick ? 4 : Math.max(plan.siteRounds, 12),
    warmup: quick ? 3 : 10,
    work,
    log,
  });
  return {
    title: `JavaScript modules: rewriting ${result.files} modules`,
    text: jsTable(result),
    targets: [
      {
        what: "js: rewrite the modules of an unbundled app vs read and hash them",
        goal: "<= 1.30x",
        value: result.ratio.median,
        limit: 1.3,
      },
      {
        what: "js: read and hash plus the lexer alone vs read and hash (the floor)",
        goal: "",
        value: result.lexerFloor,
      },
    ],
    ...result,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { rounds: { type: "string" }, warmup: { type: "string" } } });
  ensureBuilt((m) => console.error(m));
  const result = await benchJs({
    rounds: values.rounds ? Number(values.rounds) : undefined,
    warmup: values.warmup ? Number(values.warmup) : undefined,
    log: (m) => console.error(m),
  });
  console.log(jsTable(result));
}
