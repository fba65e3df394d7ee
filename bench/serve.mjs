// The web-app part of `npm run bench` (`--only serve`; also `node bench/serve.mjs [--quick]` alone):
// 1. rendering a 50-reference Express + Nunjucks page, each validate mode vs an identity filter;
// 2. requests per second of cache-id/serve vs express.static on the same file, with autocannon
//    against a server in a child process (loopback, bounded duration), including the answers to
//    a mismatched hash and a missing file next to express.static's 404.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { table, times, duration, verdict } from "./lib/format.mjs";
import { measureRounds, ratioOf, summarise } from "./lib/micro.mjs";
import { median } from "./lib/stats.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(HERE, "..", "dist");
const load = (entry) => import(pathToFileURL(path.join(DIST, `${entry}.js`)).href);
const REFS = 50;

/** A public/ directory with `REFS` small images and a views/ directory with the page naming them all. */
function writeFixtures(dir) {
  fs.mkdirSync(path.join(dir, "public", "img"), { recursive: true });
  fs.mkdirSync(path.join(dir, "views"), { recursive: true });
  for (let i = 0; i < REFS; i++)
    fs.writeFileSync(
      path.join(dir, "public", "img", `i${i}.svg`),
      `<svg xmlns="http://www.w3.org/2000/svg">${"<rect/>".repeat(50 + i)}</svg>`,
    );
  // A catalogue page: a layout with a head and navigation, and one product card per image, each
  // with some text and an autoescaped value, so that the filter's cost is seen against a page.
  const cards = Array.from(
    { length: REFS },
    (_, i) =>
      `<li class="card"><a href="/p/${i}"><img src="{{ '/img/i${i}.svg' | cache_bust }}" alt="{{ items[${i}].name }}"></a>` +
      `<h2>{{ items[${i}].name | title }}</h2><p>{{ items[${i}].text }}</p><span>{{ items[${i}].price }}</span></li>`,
  ).join("\n");
  fs.writeFileSync(
    path.join(dir, "views", "layout.njk"),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head><body>` +
      `<nav>{% for link in nav %}<a href="{{ link.href }}">{{ link.label }}</a>{% endfor %}</nav>{% block main %}{% endblock %}` +
      `<footer>{{ footer }}</footer></body></html>`,
  );
  fs.writeFileSync(
    path.join(dir, "views", "page.njk"),
    `{% extends "layout.njk" %}{% block main %}<ul>\n${cards}\n</ul>{% endblock %}`,
  );
}

/** What the page renders besides its images. */
const PAGE_DATA = {
  title: "Catalogue",
  footer: "© cache-id bench",
  nav: ["Home", "Shop", "About", "Contact"].map((label) => ({ label, href: `/${label.toLowerCase()}` })),
  items: Array.from({ length: REFS }, (_, i) => ({
    name: `product ${i} <b>`,
    text: "A product description. ".repeat(3),
    price: `${i}.99 €`,
  })),
};

/** Which validate modes the core offers (`"watch"` once it lands). */
function modes(createCacheBuster, root) {
  return ["watch", "once", "always"].filter((validate) => {
    try {
      createCacheBuster({ root, validate }).close?.();
      return true;
    } catch {
      return false;
    }
  });
}

/** Part 1: app.render of the page per mode and with an identity filter, in interleaved rounds. */
async function benchRender({ dir, rounds, time, log }) {
  const [{ default: express }, { default: nunjucks }, core, nj] = await Promise.all([
    import("express"),
    import("nunjucks"),
    load("index"),
    load("nunjucks"),
  ]);
  const root = path.join(dir, "public");
  const apps = {};
  const make = (register) => {
    const app = express();
    register(nunjucks.configure(path.join(dir, "views"), { express: app, autoescape: true }));
    return (done) => app.render("page.njk", PAGE_DATA, done);
  };
  apps.identity = make((env) => env.addFilter("cache_bust", (url) => url));
  const available = modes(core.createCacheBuster, root);
  const busters = [];
  for (const validate of available) {
    apps[validate] = make((env) => busters.push(nj.registerNunjucks(env, { root, validate })));
  }
  const tasks = Object.fromEntries(
    Object.entries(apps).map(([name, render]) => [
      name,
      () => new Promise((ok, fail) => render((e, html) => (e ? fail(e) : ok(html)))),
    ]),
  );
  await tasks.always?.(); // every file hashed once before timing
  for (const t of Object.values(tasks)) await t();
  log(`  render: ${available.join(", ")} vs identity, ${rounds} rounds`);
  const perRound = await measureRounds(tasks, { rounds, time });
  for (const b of busters) b.close?.();
  const summary = summarise(perRound);
  return {
    modes: available,
    ms: Object.fromEntries(Object.entries(summary).map(([k, v]) => [k, v.ms])),
    ratios: Object.fromEntries(available.map((m) => [m, ratioOf(perRound, m, "identity").median])),
  };
}

/** The child process: express.static and cache-id/serve on two ports, over the same directory. */
async function serveChild(root) {
  const [{ default: express }, core, serve] = await Promise.all([import("express"), load("index"), load("serve")]);
  const buster = core.createCacheBuster({ root, validate: process.env.BENCH_VALIDATE ?? "watch" });
  const start = (app) =>
    new Promise((ok) => {
      const s = app.listen(0, "127.0.0.1", () => ok(s.address().port));
    });
  const staticApp = express();
  staticApp.use(express.static(root, { immutable: true, maxAge: "1y" }));
  const handlerApp = express();
  handlerApp.use(serve.serveAssets(buster));
  const redirectApp = express();
  redirectApp.use(serve.serveAssets(buster, { mismatch: "redirect" }));
  const ports = {
    static: await start(staticApp),
    handler: await start(handlerApp),
    redirect: await start(redirectApp),
    hash: buster.hash("/img/i0.svg"),
  };
  process.stdout.write(`${JSON.stringify(ports)}\n`);
}

/** Starts the child and resolves with its ports and the hash of the file measured. */
function startChild(root) {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), "--serve-child", root], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((ok, fail) => {
    child.stdout.once("data", (d) => ok({ child, ...JSON.parse(String(d)) }));
    child.once("exit", (code) => fail(new Error(`bench server exited (${code})`)));
  });
}

/** Requests per second of one URL, with autocannon (10 connections, `seconds` long). */
async function rps(url, seconds) {
  const { default: autocannon } = await import("autocannon");
  const result = await autocannon({ url, connections: 10, duration: seconds });
  if (result.errors > 0 || result.non2xx + result["2xx"] === 0)
    throw new Error(`bench: ${url}: ${result.errors} errors`);
  return result.requests.average;
}

/** Part 2: req/s of the handler vs express.static, interleaved rounds of short runs. */
async function benchHttp({ dir, rounds, seconds, log }) {
  const { child, static: sp, handler: hp, redirect: rp, hash } = await startChild(path.join(dir, "public"));
  const urls = {
    "express.static": `http://127.0.0.1:${sp}/img/i0.svg?v=${hash}`,
    "express.static 404": `http://127.0.0.1:${sp}/img/none.svg`,
    "handler, hash matches": `http://127.0.0.1:${hp}/img/i0.svg?v=${hash}`,
    "handler, no hash": `http://127.0.0.1:${hp}/img/i0.svg`,
    "handler, hash mismatched": `http://127.0.0.1:${hp}/img/i0.svg?v=0123456789`,
    "handler, missing file": `http://127.0.0.1:${hp}/img/none.svg?v=0123456789`,
    'handler, hash mismatched, mismatch: "redirect"': `http://127.0.0.1:${rp}/img/i0.svg?v=0123456789`,
  };
  const perRound = Object.fromEntries(Object.keys(urls).map((k) => [k, []]));
  try {
    for (let r = 0; r < rounds; r++) {
      const names = Object.keys(urls);
      for (const name of [...names.slice(r % names.length), ...names.slice(0, r % names.length)])
        perRound[name].push(await rps(urls[name], seconds));
      log(`  http: round ${r + 1}/${rounds}`);
    }
  } finally {
    child.kill();
  }
  const ratio = (a, b) => median(perRound[a].map((x, i) => x / perRound[b][i]));
  return {
    seconds,
    rps: Object.fromEntries(Object.entries(perRound).map(([k, v]) => [k, median(v)])),
    ratios: {
      "handler / express.static": ratio("handler, hash matches", "express.static"),
      "mismatched / express.static 404": ratio("handler, hash mismatched", "express.static 404"),
      "missing / express.static 404": ratio("handler, missing file", "express.static 404"),
      "redirect / express.static 404": ratio('handler, hash mismatched, mismatch: "redirect"', "express.static 404"),
    },
  };
}

/** Runs both parts in `work` (a fresh directory); returns the figures and prints nothing (see `serveTables`). */
export async function benchServe({ quick = false, log = () => {}, work } = {}) {
  const dir = work ?? fs.mkdtempSync(path.join(os.tmpdir(), "cache-id-bench-serve-"));
  try {
    writeFixtures(dir);
    // Older than the core's freshness window, so that hashes are trusted.
    await new Promise((r) => setTimeout(r, 3100));
    const render = await benchRender({ dir, rounds: quick ? 4 : 12, time: quick ? 60 : 150, log });
    const http = await benchHttp({ dir, rounds: quick ? 2 : 3, seconds: quick ? 2 : 4, log });
    return { refs: REFS, render, http };
  } finally {
    if (!work) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The targets of issue 14, as `npm run bench` lists them. */
export function serveTargets(f) {
  const mode = f.render.modes.includes("watch") ? "watch" : "once";
  return [
    {
      what: `Express + Nunjucks page, ${f.refs} refs, "${mode}" / identity filter`,
      goal: "<= 1.10x",
      value: f.render.ratios[mode],
      limit: 1.1,
    },
    { what: 'same, "always" / identity filter', goal: "", value: f.render.ratios.always },
    {
      what: "serveAssets req/s / express.static, hash matches",
      goal: ">= 0.90x",
      value: f.http.ratios["handler / express.static"],
      limit: 0.9,
      higher: true,
    },
    {
      what: "serveAssets mismatched hash req/s / express.static 404",
      goal: ">= 1.00x",
      value: f.http.ratios["mismatched / express.static 404"],
      limit: 1,
      higher: true,
    },
    {
      what: "serveAssets missing file req/s / express.static 404",
      goal: ">= 1.00x",
      value: f.http.ratios["missing / express.static 404"],
      limit: 1,
      higher: true,
    },
    {
      what: 'same mismatched hash, mismatch: "redirect" / express.static 404',
      goal: "",
      value: f.http.ratios["redirect / express.static 404"],
    },
  ];
}

/** The part of `npm run bench` (see bench/run.mjs): the figures, their tables and targets. */
export async function bench({ work, quick, log }) {
  const figures = await benchServe({ work, quick, log });
  return { title: "Web app (cache-id/serve)", text: serveTables(figures), targets: serveTargets(figures), ...figures };
}

/** The figures as Markdown tables, with the targets (the same rows `npm run bench` lists). */
export function serveTables(f) {
  const r = f.render;
  const renderRows = [["identity filter", duration(r.ms.identity), "1.00x", ""]];
  for (const m of r.modes)
    renderRows.push([
      `validate: "${m}"`,
      duration(r.ms[m]),
      times(r.ratios[m]),
      m === (r.modes.includes("watch") ? "watch" : "once") ? `<= 1.10x: ${verdict(r.ratios[m], 1.1)}` : "reference",
    ]);
  const h = f.http;
  const httpRows = Object.entries(h.rps).map(([k, v]) => [k, Math.round(v).toLocaleString("en")]);
  const targets = serveTargets(f).map((t) => [
    t.what,
    times(t.value),
    t.limit === undefined ? "reference" : `${t.goal}: ${verdict(t.value, t.limit, t.higher)}`,
  ]);
  return [
    `### Rendering a ${f.refs}-reference Express + Nunjucks catalogue page (app.render)\n\n${table(["filter", "per page", "vs identity", "target"], renderRows)}`,
    `### Requests per second, autocannon, 10 connections, ${h.seconds} s runs (medians)\n\n${table(["URL", "req/s"], httpRows)}\n\n${table(["ratio (medians of paired rounds)", "value", "target"], targets)}`,
  ].join("\n\n");
}

// Run as a script (alone, or as the bench's server child); imported by run.mjs, it only exports.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    options: { quick: { type: "boolean" }, "serve-child": { type: "boolean" } },
    allowPositionals: true,
  });
  if (values["serve-child"]) await serveChild(positionals[0]);
  else console.log(serveTables(await benchServe({ quick: values.quick, log: (m) => console.error(m) })));
}
