#!/usr/bin/env node
// End to end, the way a visitor meets it: the example site, built from a temporary copy,
// served by a local origin with long-lived cache headers, behind Varnish as the CDN, opened
// in headless Chromium. Then an asset changes and the site is rebuilt: with cache_bust the
// page shows the change at once; a control page that links the same asset without it stays
// stale; and behind a CDN that leaves query strings out of its cache key, query mode goes
// stale while path mode does not. Prints a pass/fail summary; exits 1 on any failure.
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { CHROMIUM, launchBrowser, readPage } from "./browser.mjs";
import { startOrigin } from "./origin.mjs";
import { ASSETS, CONTROL_PAGE, assetSha256, buildSite, changeAssets, copySite, sha256 } from "./site.mjs";
import { createCleanup, withTimeout } from "./support.mjs";
import { VCL_DIR, findVarnishd, startVarnish } from "./varnish.mjs";
import { JS_SCENARIOS } from "./js.mjs";
import { SERVE_SCENARIOS } from "./serve.mjs";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE_SITE = path.join(REPO_ROOT, "examples", "site");

/** The example's page that links its assets through cache_bust. */
const PAGE = "/";

/** How the test finds the two assets in either page. */
const SELECTORS = {
  imageSelector: `img[src*="logo"]`,
  stylesheetSelector: `link[rel="stylesheet"][href*="site"]`,
};

/** The whole run may take this long before it is stopped as failed. */
const RUN_TIMEOUT_MS = 10 * 60 * 1000;

const SCENARIOS = [
  { name: "query-mode", mode: "query", vcl: "cdn.vcl", busted: "fresh" },
  { name: "path-mode", mode: "path", vcl: "cdn.vcl", busted: "fresh" },
  // Some CDNs key their cache on the path alone: every ?v=<hash> is the same object.
  { name: "query-mode-cdn-ignores-query", mode: "query", vcl: "cdn-ignore-query.vcl", busted: "stale" },
  { name: "path-mode-cdn-ignores-query", mode: "path", vcl: "cdn-ignore-query.vcl", busted: "fresh" },
  ...JS_SCENARIOS,
  ...SERVE_SCENARIOS,
];

/** What is missing on this machine for the test to run, as messages. */
function missingPrerequisites() {
  const problems = [];
  if (!findVarnishd()) problems.push("varnishd not found: apt-get install varnish");
  if (!existsSync(CHROMIUM)) problems.push(`${CHROMIUM} not found: apt-get install chromium`);
  if (!existsSync(path.join(REPO_ROOT, "dist", "eleventy.js"))) problems.push("dist/ not built: npm run build");
  if (!existsSync(path.join(EXAMPLE_SITE, "eleventy.config.mjs"))) problems.push(`no example site at ${EXAMPLE_SITE}`);
  return problems;
}

/** Whether a page's asset URL carries a fingerprint of the given mode. */
function isBusted(url, mode) {
  const { pathname, searchParams } = new URL(url);
  return mode === "query"
    ? /^[0-9a-f]{10}$/.test(searchParams.get("v") ?? "")
    : /\.[0-9a-f]{10}\.[a-z]+$/.test(pathname);
}

/** Fetches a URL (bounded) and returns its body's bytes. */
async function fetchBytes(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(10000) });
  assert.equal(response.status, 200, `${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** A page in a new browser context: its own, empty, HTTP cache. */
async function openPage(browser, cleanup) {
  const context = await withTimeout(
    browser.newContext({ viewport: { width: 800, height: 600 } }),
    20000,
    "new browser context",
  );
  cleanup.add("browser context", () => context.close());
  const page = await withTimeout(context.newPage(), 20000, "new page");
  page.setDefaultTimeout(20000);
  return page;
}

/**
 * One scenario: build, serve through Varnish, look, change the assets, rebuild, look again
 * (same browser, then a fresh one). Each check is recorded through `check`, each screenshot
 * in `shots` (label to file).
 */
async function runScenario(scenario, { browser, workRoot, shotsDir, shots, cleanup, check, log }) {
  const workDir = path.join(workRoot, scenario.name);
  // Recorded in `shots` as they are taken, so a failed scenario still shows what it saw.
  const screenshot = async (page, label) => {
    const file = path.join(shotsDir, `${scenario.name}-${label}.png`);
    await page.screenshot({ path: file });
    shots[label] = file;
  };

  log("copy and build the site");
  const site = copySite({ cleanup });
  await buildSite(site, { mode: scenario.mode, cleanup });
  const origin = await startOrigin(site.output);
  cleanup.add(`origin ${origin.url}`, origin.close);
  log(`origin ${origin.url}; start varnishd with ${scenario.vcl}`);
  const varnish = await startVarnish({
    vclFile: path.join(VCL_DIR, scenario.vcl),
    backendPort: origin.port,
    workDir: path.join(workDir, "varnish"),
    cleanup,
  });
  log(`varnish ${varnish.url} (pid ${varnish.pid})`);
  const pageUrl = new URL(PAGE, varnish.url).href;
  const controlUrl = new URL(CONTROL_PAGE, varnish.url).href;

  const page = await openPage(browser, cleanup);

  log("before the change");
  const before = await readPage(page, pageUrl, SELECTORS);
  await screenshot(page, "before");
  const controlBefore = await readPage(page, controlUrl, SELECTORS);
  const old = { background: before.background, imageSha256: await assetSha256(site, ASSETS.image) };

  check(`the page links its stylesheet and image busted in ${scenario.mode} mode`, () => {
    assert.ok(isBusted(before.stylesheet, scenario.mode), before.stylesheet);
    assert.ok(isBusted(before.image, scenario.mode), before.image);
  });
  check("before the change, the page shows the example's image", () => {
    assert.equal(before.imageSha256, old.imageSha256);
  });
  check("before the change, the control page shows the same stylesheet and image", () => {
    assert.equal(controlBefore.background, old.background);
    assert.equal(controlBefore.imageSha256, old.imageSha256);
  });

  log("change the stylesheet and the image, rebuild");
  const changed = await changeAssets(site);
  assert.notEqual(changed.background, old.background, "the changed colour must differ from the example's");
  await buildSite(site, { mode: scenario.mode, cleanup });
  check("the origin itself serves the changed assets after the rebuild", async () => {
    const css = (await fetchBytes(new URL(ASSETS.stylesheet.url, origin.url))).toString();
    assert.ok(css.includes(changed.background), `${ASSETS.stylesheet.url} at the origin lacks the new rule`);
    assert.equal(sha256(await fetchBytes(new URL(ASSETS.image.url, origin.url))), changed.imageSha256);
  });

  const expected = scenario.busted === "fresh" ? changed : old;
  const state = scenario.busted === "fresh" ? "the changed" : "the OLD";
  log("after the change, in the same browser");
  const after = await readPage(page, pageUrl, SELECTORS);
  await screenshot(page, "after");
  check(`after the rebuild, the page shows ${state} stylesheet at once`, () => {
    assert.equal(after.background, expected.background);
  });
  check(`after the rebuild, the page shows ${state} image at once`, () => {
    assert.equal(after.imageSha256, expected.imageSha256);
  });
  const controlAfter = await readPage(page, controlUrl, SELECTORS);
  await screenshot(page, "control");
  check("the control page still shows the old stylesheet and image", () => {
    assert.equal(controlAfter.background, old.background);
    assert.equal(controlAfter.imageSha256, old.imageSha256);
  });
  check("the control page's stylesheet came from the browser's own cache", () => {
    assert.equal(controlAfter.stylesheetFromBrowserCache, true);
  });

  log("after the change, in a fresh browser context (empty browser cache)");
  const coldPage = await openPage(browser, cleanup);
  const coldControl = await readPage(coldPage, controlUrl, SELECTORS);
  check("with an empty browser cache the control page is still stale: Varnish cached it", () => {
    assert.equal(coldControl.background, old.background);
    assert.equal(coldControl.imageSha256, old.imageSha256);
  });
  const coldAfter = await readPage(coldPage, pageUrl, SELECTORS);
  check(`with an empty browser cache the page shows ${state} stylesheet and image`, () => {
    assert.equal(coldAfter.background, expected.background);
    assert.equal(coldAfter.imageSha256, expected.imageSha256);
  });
  // Last, as a miss would store the new stylesheet in Varnish.
  check("Varnish answers the control page's stylesheet from its cache", async () => {
    const response = await fetch(new URL(ASSETS.stylesheet.url, varnish.url), { signal: AbortSignal.timeout(10000) });
    await response.arrayBuffer();
    assert.equal(response.headers.get("x-cache"), "HIT");
  });
}

/** Prints one scenario's results as they were declared, with the reason of each failure. */
function printResults(results) {
  for (const r of results) {
    console.log(`  ${r.ok ? "ok  " : "FAIL"} ${r.name}`);
    if (!r.ok)
      console.log(
        `       ${String(r.error?.message ?? r.error)
          .split("\n")
          .join("\n       ")}`,
      );
  }
}

/** Runs one scenario with its own clean-up; resolves to its results and screenshots. */
async function runRecorded(scenario, { browser, workRoot, shotsDir, cleanup }) {
  // Checks run as soon as their data is in; their results are reported in declared order.
  const pending = [];
  const check = (name, body) => {
    const outcome = Promise.resolve()
      .then(body)
      .then(
        () => ({ ok: true }),
        (error) => ({ ok: false, error }),
      );
    pending.push({ name, outcome });
  };
  const log = (message) => console.log(`  ... ${message}`);
  const shots = {};
  let failure;
  try {
    await (scenario.run ?? runScenario)(scenario, { browser, workRoot, shotsDir, shots, cleanup, check, log });
  } catch (error) {
    failure = error;
  }
  // Checks that still talk to the servers finish (each one bounded) before the servers stop.
  const results = [];
  try {
    for (const { name, outcome } of pending) results.push({ name, ...(await outcome) });
  } finally {
    for (const problem of await cleanup.releaseAll()) console.error(`clean-up: ${problem}`);
  }
  if (failure) results.push({ name: "the scenario runs to the end", ok: false, error: failure });
  return { results, shots };
}

/** Runs every scenario, prints the summary, and returns the process exit code. */
async function main() {
  const problems = missingPrerequisites();
  if (problems.length > 0) {
    console.error(`test:e2e cannot run:\n  ${problems.join("\n  ")}`);
    return 1;
  }
  const shotsDir = await fs.mkdtemp(path.join(os.tmpdir(), "cache-id-e2e-screenshots-"));
  const workRoot = await fs.mkdtemp(path.join(os.tmpdir(), "cache-id-e2e-"));
  // varnishd's VCL compiler runs as an unprivileged user and reads below here.
  await fs.chmod(workRoot, 0o755);
  const global = createCleanup();
  global.add(`work directory ${workRoot}`, () => fs.rm(workRoot, { recursive: true, force: true }));
  const active = new Set([global]);
  const stopAll = async () => {
    for (const cleanup of [...active].reverse()) {
      for (const problem of await cleanup.releaseAll()) console.error(`clean-up: ${problem}`);
    }
  };

  // On a signal or the watchdog: stop everything now, let the run unwind (every step then
  // fails fast), and exit regardless if unwinding takes too long.
  let aborted;
  const abort = (reason) => {
    if (aborted) return;
    aborted = reason;
    console.error(`\ntest:e2e: ${reason}; stopping everything it started`);
    setTimeout(() => process.exit(1), 30000).unref();
    void stopAll();
  };
  const onSignal = (signal) => abort(`interrupted by ${signal}`);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const watchdog = setTimeout(() => abort(`still running after ${RUN_TIMEOUT_MS} ms`), RUN_TIMEOUT_MS);
  watchdog.unref();

  const results = [];
  const screenshots = [];
  try {
    const { browser, pid } = await launchBrowser({ cleanup: global });
    console.log(`chromium ${browser.version()} (pid ${pid})`);
    for (const scenario of SCENARIOS) {
      if (aborted) break;
      const title = `${scenario.mode} mode behind ${scenario.vcl}`;
      console.log(`\n# ${title}`);
      const cleanup = createCleanup();
      active.add(cleanup);
      const outcome = await runRecorded(scenario, { browser, workRoot, shotsDir, cleanup });
      active.delete(cleanup);
      printResults(outcome.results);
      results.push(...outcome.results);
      screenshots.push({ title, shots: outcome.shots });
    }
  } catch (error) {
    results.push({ name: "the browser starts", ok: false, error });
    printResults(results.slice(-1));
  } finally {
    await stopAll();
    clearTimeout(watchdog);
  }
  if (aborted) results.push({ name: "the run ends by itself", ok: false, error: aborted });

  console.log("\nScreenshots:");
  for (const { title, shots } of screenshots.filter((s) => Object.keys(s.shots).length > 0)) {
    console.log(`  ${title}:`);
    for (const [label, file] of Object.entries(shots)) console.log(`    ${label.padEnd(8)} ${file}`);
  }
  const failed = results.filter((r) => !r.ok);
  console.log(`\ntest:e2e: ${results.length - failed.length} passed, ${failed.length} failed`);
  return failed.length === 0 && results.length > 0 ? 0 : 1;
}

process.exitCode = await main();
