// Part 3: the core alone. Cold hashing (a new, empty CacheBuster each time; files in the OS page
// cache) against reading and hashing the same files by hand, and a stat-validated cache hit
// against the bare `statSync` it has to make.
import { createHash, hash as oneShotHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { measureRounds, ratioOf, summarise } from "./lib/micro.mjs";

const sha256 = (data) => oneShotHash("sha256", data);

/** Many small files: hand-written baselines and the buster, sync and async. */
function smallTasks(createCacheBuster, root, assets) {
  const files = assets.map((a) => a.file);
  const urls = assets.map((a) => a.urlPath);
  return {
    "readFileSync + crypto.hash": () => {
      for (const f of files) sha256(fs.readFileSync(f));
    },
    "fs.promises.readFile + crypto.hash": () =>
      Promise.all(files.map(async (f) => sha256(await fs.promises.readFile(f)))),
    "buster.url (cold)": () => {
      const buster = createCacheBuster({ root });
      for (const u of urls) buster.url(u);
    },
    "buster.urlAsync (cold)": () => {
      const buster = createCacheBuster({ root });
      return Promise.all(urls.map((u) => buster.urlAsync(u)));
    },
  };
}

/** One large file: whole-file read, streaming, and the buster. */
function largeTasks(createCacheBuster, file) {
  const root = path.dirname(file);
  const url = `/${path.basename(file)}`;
  return {
    "readFileSync + crypto.hash": () => sha256(fs.readFileSync(file)),
    "createReadStream + createHash": () =>
      pipeline(fs.createReadStream(file, { highWaterMark: 1 << 20 }), createHash("sha256")),
    "buster.url (cold)": () => createCacheBuster({ root }).url(url),
    "buster.urlAsync (cold)": () => createCacheBuster({ root }).urlAsync(url),
  };
}

/** A warm cache hit that must stat the file, against the stat alone. */
function hitTasks(createCacheBuster, root, assets) {
  const files = assets.map((a) => a.file);
  const urls = assets.map((a) => a.urlPath);
  const always = createCacheBuster({ root, validate: "always" });
  const once = createCacheBuster({ root, validate: "once" });
  // "watch": a hit is clean once checked under a watcher started before the check (the warm-up does that).
  const watch = createCacheBuster({ root, validate: "watch" });
  for (const u of urls) {
    always.url(u);
    once.url(u);
    watch.url(u);
  }
  return {
    tasks: {
      "fs.statSync": () => {
        for (const f of files) fs.statSync(f);
      },
      'buster.url, validate "always" (hit)': () => {
        for (const u of urls) always.url(u);
      },
      'buster.url, validate "once" (hit)': () => {
        for (const u of urls) once.url(u);
      },
      'buster.url, validate "watch" (hit)': () => {
        for (const u of urls) watch.url(u);
      },
    },
    // A hit must not read: if the files were too new to be trusted, the figures would be reads.
    check: () => {
      const before = always.stats().hashed;
      for (const u of urls) always.url(u);
      return always.stats().hashed === before;
    },
  };
}

/**
 * Runs part 3. `small` are many small files under `root`; `large` is one large file; `hits` are
 * files older than the freshness window. Returns times, throughputs and ratios.
 */
export async function benchCore({ pkg, root, small, largeFile, hits, rounds, time, log }) {
  const { createCacheBuster } = pkg;
  const smallBytes = small.reduce((n, a) => n + a.size, 0);
  const largeBytes = fs.statSync(largeFile).size;

  const smallRounds = await measureRounds(smallTasks(createCacheBuster, root, small), { rounds, time });
  log("  many small files: done");
  // Each call takes long; a few iterations per round are enough.
  const largeRounds = await measureRounds(largeTasks(createCacheBuster, largeFile), {
    rounds: Math.min(rounds, 3),
    time: 1,
    warmupTime: 1,
    iterations: 3,
    warmupIterations: 1,
  });
  log("  one large file: done");
  const hit = hitTasks(createCacheBuster, root, hits);
  if (!hit.check())
    throw new Error('bench: validate "always" re-read files that should be cache hits (files too new?)');
  const hitRounds = await measureRounds(hit.tasks, { rounds, time });
  log("  cache hits: done");

  const baseline = "readFileSync + crypto.hash";
  const withThroughput = (perRound, bytes) =>
    Object.fromEntries(
      Object.entries(summarise(perRound)).map(([k, v]) => [
        k,
        {
          ...v,
          bytesPerSecond: bytes / (v.ms / 1000),
          throughputVsBaseline: invert(ratioOf(perRound, k, baseline)).median,
        },
      ]),
    );
  const cold = (perRound) => ({
    // Throughput ratios are inverse time ratios: baseline time / buster time.
    syncVsBaseline: invert(ratioOf(perRound, "buster.url (cold)", baseline)),
    asyncVsBaseline: invert(ratioOf(perRound, "buster.urlAsync (cold)", baseline)),
    asyncTimeVsSync: ratioOf(perRound, "buster.urlAsync (cold)", "buster.url (cold)"),
  });
  return {
    rounds,
    small: {
      files: small.length,
      bytes: smallBytes,
      tasks: withThroughput(smallRounds, smallBytes),
      ...cold(smallRounds),
    },
    large: { bytes: largeBytes, tasks: withThroughput(largeRounds, largeBytes), ...cold(largeRounds) },
    hit: {
      files: hits.length,
      tasks: Object.fromEntries(
        Object.entries(summarise(hitRounds)).map(([k, v]) => [
          k,
          { ...v, msPerCall: v.ms / hits.length, vsStat: ratioOf(hitRounds, k, "fs.statSync").median },
        ]),
      ),
      alwaysVsStat: ratioOf(hitRounds, 'buster.url, validate "always" (hit)', "fs.statSync"),
      onceVsStat: ratioOf(hitRounds, 'buster.url, validate "once" (hit)', "fs.statSync"),
      watchVsStat: ratioOf(hitRounds, 'buster.url, validate "watch" (hit)', "fs.statSync"),
    },
  };
}

/** A time ratio turned into a throughput ratio (1 / x, min and max swapped). */
function invert(r) {
  return { median: 1 / r.median, min: 1 / r.max, max: 1 / r.min, ratios: r.ratios.map((x) => 1 / x) };
}
