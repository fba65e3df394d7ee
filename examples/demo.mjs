#!/usr/bin/env node
// `npm run demo`: builds a temporary copy of examples/site with Eleventy, prints the busted
// URLs a few pages carry, changes one asset in the copy, builds again and shows that only
// that asset's URL changed. The repository itself is never written to.
//
//   npm run demo                        query mode: /css/site.css?v=<hash>
//   CACHE_BUST_MODE=path npm run demo   path mode:  /css/site.<hash>.css
//   npm run demo -- --keep              keep the temporary copy and print where it is
import * as fs from "node:fs";
import { join } from "node:path";
import { copyExampleSite, repo } from "./site-copy.mjs";

const PAGES = [
  { file: "index.html", url: "/", source: "index.njk" },
  { file: "blog/first-post/index.html", url: "/blog/first-post/", source: "blog/first-post.liquid" },
];
const CHANGED = "/css/site.css";
const keep = process.argv.includes("--keep");
const mode = process.env.CACHE_BUST_MODE ?? "query";

if (!fs.existsSync(join(repo, "dist", "eleventy.js"))) {
  console.error("cache-id is not built yet: run `npm run build` (`npm ci` builds it too), then `npm run demo` again.");
  process.exit(1);
}
const { default: Eleventy } = await import("@11ty/eleventy");
const { unfingerprintName } = await import("cache-id");

/**
 * An Eleventy instance for the copy, set up as `npx @11ty/eleventy` run inside it would be.
 * Both builds use this one instance, as `--watch` does: Eleventy caches layouts per process,
 * and a second instance would render them with the first one's filters.
 */
function eleventy(site) {
  const inSite = async (fn) => {
    const previous = process.cwd();
    process.chdir(site);
    try {
      return await fn();
    } finally {
      process.chdir(previous);
    }
  };
  let elev;
  return {
    write: () =>
      inSite(async () => {
        elev ??= new Eleventy(undefined, undefined, { quietMode: true, configPath: "eleventy.config.mjs" });
        await elev.write();
      }),
  };
}

/** The asset URLs in a built page (links to pages left out). */
function assetUrls(html) {
  const urls = [];
  for (const [, url] of html.matchAll(/\s(?:src|href)="([^"]+)"/g)) {
    if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url) || /(\/|\.html)$/.test(url.split(/[?#]/)[0])) continue;
    urls.push(url.replace(/&amp;/g, "&"));
  }
  return urls;
}

/** The file a busted URL names: its path resolved against the page, without `?v=` or fingerprint. */
function plainPath(url, pageUrl) {
  const path = new URL(url, `http://site${pageUrl}`).pathname;
  const slash = path.lastIndexOf("/");
  const name = unfingerprintName(path.slice(slash + 1), 10)?.name ?? path.slice(slash + 1);
  return decodeURIComponent(path.slice(0, slash + 1) + name);
}

/** The first URL of each asset in the demo pages, by the file it names. */
function snapshot(site) {
  const byFile = new Map();
  for (const page of PAGES) {
    const html = fs.readFileSync(join(site, "_site", page.file), "utf8");
    for (const url of assetUrls(html)) {
      const key = plainPath(url, page.url);
      if (byFile.has(key)) continue;
      const abs = new URL(url, `http://site${page.url}`);
      byFile.set(key, { url, served: abs.pathname + abs.search });
    }
  }
  return byFile;
}

/** The url() references of the stylesheet as it is served (rewritten, when CSS busting is on). */
function stylesheetRefs(site, served) {
  const file = join(site, "_site", decodeURIComponent(served.split("?")[0]));
  if (!fs.existsSync(file)) return [];
  return [...fs.readFileSync(file, "utf8").matchAll(/url\(\s*["']?([^"')]+)["']?\s*\)/g)].map((m) => m[1]);
}

const { site, remove } = copyExampleSite();
const elev = eleventy(site);
try {
  console.log(`cache-id demo (mode: ${mode})\n`);
  console.log("1. Building a copy of examples/site with Eleventy...\n");
  await elev.write();
  for (const page of PAGES) {
    const html = fs.readFileSync(join(site, "_site", page.file), "utf8");
    console.log(`   ${page.url}`);
    for (const url of assetUrls(html)) console.log(`     ${url}`);
    // The template as written, for its custom delimiters: `<< '../../img/logo.png' | cache_bust >>`.
    const source = fs.readFileSync(join(site, "src", page.source), "utf8");
    for (const [call] of source.matchAll(/<<[^>]*cache_bust[^>]*>>/g)) console.log(`       (written ${call})`);
  }
  const before = snapshot(site);
  const refs = stylesheetRefs(site, before.get(CHANGED)?.served ?? CHANGED);
  if (refs.length > 0) console.log(`\n   ${CHANGED} as served references: ${refs.join(", ")}`);

  const css = join(site, "src", "css", "site.css");
  console.log(`\n2. Changing the background colour in ${CHANGED} and building again...\n`);
  fs.writeFileSync(css, fs.readFileSync(css, "utf8").replace("#f4e8c1", "#c1e8f4"));
  await elev.write();
  const after = snapshot(site);

  const changed = [];
  const width = Math.max(...[...before.keys()].map((k) => k.length));
  for (const [file, was] of before) {
    const now = after.get(file);
    const same = now?.url === was.url;
    if (!same) changed.push(file);
    console.log(
      `   ${file.padEnd(width)}  ${same ? "unchanged " : "CHANGED   "} ${was.url}${same ? "" : ` -> ${now?.url}`}`,
    );
  }
  console.log("");
  if (changed.length === 1 && changed[0] === CHANGED) {
    console.log(`Only ${CHANGED} got a new URL: browsers and CDNs fetch it again and keep every other file.`);
  } else {
    console.log(`Expected only ${CHANGED} to change, but these changed: ${changed.join(", ") || "none"}`);
    process.exitCode = 1;
  }
} finally {
  if (keep) console.log(`\nThe built copy is in ${site} (its output in ${join(site, "_site")}).`);
  else remove();
}
