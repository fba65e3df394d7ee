// End-to-end scenarios of cache-id/serve: the example app (Express + Nunjucks + serveAssets)
// behind Varnish, opened in Chromium.
// (a) app-edit: an asset edited while the app runs shows at once through Varnish, in query mode
//     and in path mode (`/img/logo.<hash>.svg` served from logo.svg, no copies written).
// (b) rolling-deploy: two instances behind a round-robin director switch from version 1 of the
//     assets to version 2 one at a time while the browser loads pages; afterwards every hashed
//     URL Varnish holds has bytes that hash to the URL's hash. The control run does the same
//     with express.static({ immutable: true, maxAge: "1y" }) and must show a poisoned object.
/* global document, getComputedStyle -- readAppPage's evaluate() runs in the browser */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { PUBLIC_DIR, startApp } from "../../examples/app/app.mjs";
import { withTimeout } from "./support.mjs";
import { VCL_DIR, startVarnish } from "./varnish.mjs";

/** The assets every page of the app names. */
const ASSET_PATHS = ["/css/site.css", "/img/logo.svg", "/app.js"];
/** The page background of each version of the stylesheet (computed style). */
const BACKGROUND = { v1: "rgb(253, 252, 247)", v2: "rgb(232, 244, 232)" };
/** The core's freshness window (trustAfterMs) and a little more: files older than this are served immutable. */
const SETTLE_MS = 3200;
/** The example app's buster uses validate: "watch", which sees an edit on the first call this long after it. */
const WATCH_BOUND_MS = 150;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const sha10 = (bytes) => crypto.createHash("sha256").update(bytes).digest("hex").slice(0, 10);

/** Copies the app's assets to `dir`, as version 2 (another background, another logo) when asked. */
async function writeAssets(dir, version) {
  await fs.cp(PUBLIC_DIR, dir, { recursive: true });
  if (version === "v2") await editAssets(dir);
}

/** Version 2 of the stylesheet and the logo, written in place. */
async function editAssets(dir) {
  const css = path.join(dir, "css", "site.css");
  await fs.writeFile(css, (await fs.readFile(css, "utf8")).replace("#fdfcf7", "#e8f4e8"));
  const logo = path.join(dir, "img", "logo.svg");
  await fs.writeFile(logo, (await fs.readFile(logo, "utf8")).replace("#145aa0", "#2a8a3a"));
}

/** Varnish with app-instances.vcl in front of two ports (the same port twice for one instance). */
async function startCdn({ ports, workDir, cleanup }) {
  await fs.mkdir(workDir, { recursive: true, mode: 0o755 });
  await fs.writeFile(
    path.join(workDir, "e2e-origin-b.vcl"),
    `backend origin_b {\n\t.host = "127.0.0.1";\n\t.port = "${ports[1]}";\n}\n`,
    { mode: 0o644 },
  );
  return startVarnish({ vclFile: path.join(VCL_DIR, "app-instances.vcl"), backendPort: ports[0], workDir, cleanup });
}

/** Starts an app instance (closed by `cleanup` unless replaced first). */
async function startInstance({ publicDir, instance, assets, port, mode = "query", cleanup }) {
  const app = await startApp({ publicDir, instance, assets, port, mode });
  let closed = false;
  const close = async () => {
    if (!closed) await app.close();
    closed = true;
  };
  cleanup.add(`app instance ${instance}`, close);
  return { ...app, close };
}

/** A page in a new browser context (its own, empty, HTTP cache). */
async function newPage(browser, cleanup) {
  const context = await withTimeout(browser.newContext(), 20000, "new browser context");
  cleanup.add("browser context", () => context.close());
  const page = await withTimeout(context.newPage(), 20000, "new page");
  page.setDefaultTimeout(20000);
  return page;
}

/** Loads the app's page and reports what it shows: background, asset URLs, the instance that rendered it. */
async function readAppPage(page, url) {
  const response = await page.goto(url, { waitUntil: "load", timeout: 30000 });
  if (!response || !response.ok()) throw new Error(`${url}: HTTP ${response ? response.status() : "no response"}`);
  return withTimeout(
    page.evaluate(async () => {
      const img = document.querySelector("img.logo");
      await img.decode().catch(() => {});
      return {
        background: getComputedStyle(document.body).backgroundColor,
        assets: [
          document.querySelector('link[rel="stylesheet"]').href,
          img.currentSrc,
          document.querySelector("script[src]").src,
        ],
        instance: document.querySelector("code")?.textContent,
        script: document.documentElement.dataset.script,
      };
    }),
    30000,
    `reading ${url}`,
  );
}

/** What Varnish holds for a URL, without adding to its cache: `{ held, bytes, headers }`. */
async function held(cdnUrl, assetUrl) {
  const response = await fetch(new URL(assetUrl, cdnUrl), {
    headers: { "X-Only-If-Cached": "1" },
    signal: AbortSignal.timeout(10000),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { held: response.status === 200, bytes, headers: response.headers };
}

/** Fetches through Varnish (bounded); returns status, headers and bytes. */
async function viaCdn(cdnUrl, url) {
  const response = await fetch(new URL(url, cdnUrl), { signal: AbortSignal.timeout(10000) });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

/** The hash a busted URL carries: its `v` parameter, or (path mode) the fingerprint in its name. */
function hashOf(url) {
  const { pathname, searchParams } = new URL(url, "http://x");
  return searchParams.get("v") ?? /\.([0-9a-f]{10})(?:\.[^./]+)?$/.exec(pathname)?.[1] ?? null;
}

/** (a) The example app running behind Varnish; an asset is edited; the page shows it at once. */
async function appEdit(mode, { browser, workRoot, cleanup, check, log }) {
  const workDir = path.join(workRoot, `app-edit-${mode}`);
  const publicDir = path.join(workDir, "public");
  await writeAssets(publicDir, "v1");
  await sleep(SETTLE_MS);
  const app = await startInstance({ publicDir, instance: "app", assets: "cache-id", mode, cleanup });
  const cdn = await startCdn({ ports: [app.port, app.port], workDir: path.join(workDir, "varnish"), cleanup });
  log(`app ${app.url}, varnish ${cdn.url}`);
  const page = await newPage(browser, cleanup);
  const before = await readAppPage(page, cdn.url);
  check("the app's page, through Varnish, shows version 1 of the stylesheet and runs its script", () => {
    assert.equal(before.background, BACKGROUND.v1);
    assert.equal(before.script, "loaded");
  });
  check(`the page names its assets busted in ${mode} mode`, () => {
    for (const url of before.assets) {
      const { pathname, search } = new URL(url);
      assert.match(
        mode === "query" ? search : pathname,
        mode === "query" ? /^\?v=[0-9a-f]{10}$/ : /\.[0-9a-f]{10}\.\w+$/,
        url,
      );
    }
  });
  check("Varnish holds the page's hashed assets, each with the bytes of its hash", async () => {
    for (const url of before.assets) {
      const h = await held(cdn.url, url);
      assert.ok(h.held, `${url} is not in Varnish`);
      assert.equal(sha10(h.bytes), hashOf(url), url);
      assert.equal(h.headers.get("cache-control"), "public, max-age=31536000, immutable");
    }
  });
  log("edit the stylesheet and the logo while the app runs");
  await editAssets(publicDir);
  await sleep(WATCH_BOUND_MS);
  const after = await readAppPage(page, cdn.url);
  check(
    "on the first load after the edit (past the watcher's 100 ms bound), the same browser shows the edited stylesheet",
    () => assert.equal(after.background, BACKGROUND.v2),
  );
  check("the edited assets have new URLs", () => {
    assert.notEqual(after.assets[0], before.assets[0]);
    assert.notEqual(after.assets[1], before.assets[1]);
  });
  const justEdited = await held(cdn.url, after.assets[0]);
  check("an asset edited less than 3 s ago is answered no-store, so Varnish does not keep it", () =>
    assert.equal(justEdited.held, false),
  );
  await sleep(SETTLE_MS);
  const settled = await readAppPage(await newPage(browser, cleanup), cdn.url);
  check("once the edit is 3 s old, Varnish holds the new stylesheet with the bytes of its hash", async () => {
    assert.equal(settled.background, BACKGROUND.v2);
    const h = await held(cdn.url, settled.assets[0]);
    assert.ok(h.held, `${settled.assets[0]} is not in Varnish`);
    assert.equal(sha10(h.bytes), hashOf(settled.assets[0]));
  });
}

/** Sends `url` through Varnish to instance A: round robin, so right after a fetch that B answered. */
async function fetchViaA(cdnUrl, url) {
  for (let i = 0; i < 6; i++) {
    const probe = await viaCdn(cdnUrl, `/?probe=${Date.now()}-${i}`);
    if (probe.headers.get("x-instance")?.startsWith("B")) return viaCdn(cdnUrl, url);
  }
  throw new Error("round robin never reached instance B");
}

/** Loads the page `times` times in one context and once in a fresh one; returns what each showed. */
async function loadPages(browser, cleanup, cdnUrl, times) {
  const page = await newPage(browser, cleanup);
  const seen = [];
  for (let i = 0; i < times; i++) seen.push(await readAppPage(page, cdnUrl));
  seen.push(await readAppPage(await newPage(browser, cleanup), cdnUrl));
  return seen;
}

/** (b) A rolling deploy from v1 to v2 over two instances; `assets` is "cache-id" or the "static" control. */
async function rollingDeploy({ assets }, { browser, workRoot, cleanup, check, log }) {
  const workDir = path.join(workRoot, `rolling-${assets}`);
  const dirs = { v1: path.join(workDir, "v1"), v2: path.join(workDir, "v2") };
  await writeAssets(dirs.v1, "v1");
  await writeAssets(dirs.v2, "v2");
  await sleep(SETTLE_MS);
  let a = await startInstance({ publicDir: dirs.v1, instance: "A-v1", assets, cleanup });
  let b = await startInstance({ publicDir: dirs.v1, instance: "B-v1", assets, cleanup });
  const cdn = await startCdn({ ports: [a.port, b.port], workDir: path.join(workDir, "varnish"), cleanup });
  log(`instances ${a.url} ${b.url} (${assets}), varnish ${cdn.url}`);
  const oldUrls = ASSET_PATHS.map((p) => a.buster.url(p));
  const seen = await loadPages(browser, cleanup, cdn.url, 2);

  log("deploy v2 to instance B: A still runs v1");
  await b.close();
  b = await startInstance({ publicDir: dirs.v2, instance: "B-v2", assets, port: b.port, cleanup });
  const newUrls = ASSET_PATHS.map((p) => b.buster.url(p));
  // A page rendered by B names v2's URLs; the CDN may ask A for them. Make sure it does, once
  // for each URL that changed (app.js is the same in both versions).
  const fromA = [];
  for (const url of newUrls.filter((u) => !oldUrls.includes(u)))
    fromA.push({ url, ...(await fetchViaA(cdn.url, url)) });
  const mixed = await loadPages(browser, cleanup, cdn.url, 4);
  seen.push(...mixed);
  // What Chromium shows meanwhile: a v2 page may get v1's bytes for a v2 URL (answered no-store, never kept).
  log(
    `mixed phase: ${mixed.map((m) => `${m.instance} page with ${m.background === BACKGROUND.v2 ? "v2" : "v1"} stylesheet`).join("; ")}`,
  );

  log("deploy v2 to instance A");
  await a.close();
  a = await startInstance({ publicDir: dirs.v2, instance: "A-v2", assets, port: a.port, cleanup });
  seen.push(...(await loadPages(browser, cleanup, cdn.url, 2)));
  const final = await readAppPage(await newPage(browser, cleanup), cdn.url);

  const urls = [
    ...new Set([...seen.flatMap((s) => s.assets.map((u) => new URL(u).pathname + new URL(u).search)), ...newUrls]),
  ];
  const holdings = [];
  for (const url of urls) {
    const h = await held(cdn.url, url);
    if (h.held) holdings.push({ url, matches: sha10(h.bytes) === hashOf(url) });
  }
  log(
    `Varnish holds ${holdings.length} of ${urls.length} hashed URLs; A answered v2's URLs with ${fromA.map((r) => r.headers.get("cache-control")).join(", ")}`,
  );
  check("during the deploy, instance A was asked for version 2's URLs", () => {
    for (const r of fromA) assert.equal(r.headers.get("x-instance"), "A-v1", r.url);
  });
  if (assets === "cache-id") {
    check("instance A answered version 2's URLs so that no shared cache keeps them (no-store)", () => {
      for (const r of fromA) assert.equal(r.headers.get("cache-control"), "no-store", r.url);
    });
    check("every hashed URL Varnish holds has bytes that hash to the URL's hash", () => {
      assert.ok(holdings.length >= ASSET_PATHS.length, `Varnish holds only ${holdings.length} URLs`);
      const bad = holdings.filter((h) => !h.matches).map((h) => h.url);
      assert.deepEqual(bad, []);
    });
    check("after the deploy, a fresh browser shows version 2's stylesheet", () =>
      assert.equal(final.background, BACKGROUND.v2),
    );
  } else {
    check("control: express.static answered version 2's URLs from A with v1's bytes marked immutable", () => {
      assert.ok(fromA.some((r) => /immutable/.test(r.headers.get("cache-control") ?? "")));
    });
    check("control: Varnish holds a poisoned object, a hashed URL with other bytes", () => {
      assert.ok(
        holdings.some((h) => !h.matches),
        `all ${holdings.length} held URLs match their hash`,
      );
    });
    check("control: after the deploy, a fresh browser shows version 1's stylesheet on a version 2 page", () => {
      assert.equal(final.background, BACKGROUND.v1);
      assert.equal(final.instance?.endsWith("v2"), true);
    });
  }
}

/** The scenarios, in the shape test/e2e/run.mjs runs: `run(scenario, context)` instead of its Eleventy one. */
export const SERVE_SCENARIOS = [
  { name: "app-edit", mode: "query", vcl: "app-instances.vcl (example app)", run: (_s, ctx) => appEdit("query", ctx) },
  {
    name: "app-edit-path",
    mode: "path",
    vcl: "app-instances.vcl (example app, no fingerprinted copies on disk)",
    run: (_s, ctx) => appEdit("path", ctx),
  },
  {
    name: "rolling-deploy",
    mode: "query",
    vcl: "app-instances.vcl (two instances, serveAssets)",
    run: (_s, ctx) => rollingDeploy({ assets: "cache-id" }, ctx),
  },
  {
    name: "rolling-deploy-control",
    mode: "query",
    vcl: "app-instances.vcl (two instances, express.static)",
    run: (_s, ctx) => rollingDeploy({ assets: "static" }, ctx),
  },
];
