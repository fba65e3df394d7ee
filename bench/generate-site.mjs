// Generates the synthetic Eleventy site of part 2, twice over: `filtered/` puts every asset URL
// through `cache_bust`, `plain/` writes the same URLs literally. Both hold the same assets.
//
//   node bench/generate-site.mjs <dir> [--pages 2000] [--refs 20] [--assets 500]
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { planAssets, prng, writeAssets } from "./lib/assets.mjs";

/** The layout's references (every page has them): a stylesheet, a script, a logo. */
function layoutRefs(assets) {
  const first = (ext) => assets.find((a) => a.ext === ext).urlPath;
  return [first("css"), first("js"), first("svg")];
}

const LOREM =
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. " +
  "Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.";

function layout(refs, ref) {
  const [css, js, logo] = refs.map(ref);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<link rel="stylesheet" href="${css}">
<script type="module" src="${js}"></script>
</head>
<body>
<header><img src="${logo}" alt="logo"><nav><a href="/">Home</a></nav></header>
<main>
{{ content | safe }}
</main>
<footer><p>Page {{ page.url }}</p></footer>
</body>
</html>
`;
}

function pageBody(n, refs, ref) {
  const items = refs.map((u, i) => {
    if (u.endsWith(".css")) return `<link rel="stylesheet" href="${ref(u)}">`;
    if (u.endsWith(".js")) return `<script type="module" src="${ref(u)}"></script>`;
    if (u.endsWith(".woff2")) return `<link rel="preload" as="font" href="${ref(u)}" crossorigin>`;
    return `<figure><img src="${ref(u)}" alt="figure ${i}" loading="lazy"><figcaption>Figure ${i} of page ${n}</figcaption></figure>`;
  });
  return `---
layout: base.njk
title: Page ${n}
tags: pages
---
<h1>{{ title }}</h1>
<p>${LOREM}</p>
${items.join("\n<p>" + LOREM.slice(0, 120) + "</p>\n")}
<p>${LOREM}</p>
`;
}

/** How each input writes an asset URL into a template. */
const REF = {
  filtered: (u) => `{{ "${u}" | cache_bust }}`,
  plain: (u) => u,
};

/**
 * Writes the site under `dir` and returns what it made: `{ inputs: { filtered, plain },
 * assets, pages, refsPerPage }`. Deterministic: the same options give the same bytes.
 */
export function generateSite(
  dir,
  { pages = 2000, refsPerPage = 20, assetCount = 500, minKB = 1, maxKB = 50, seed = 7 } = {},
) {
  const plan = planAssets({ count: assetCount, minKB, maxKB, seed });
  const fixed = layoutRefs(plan);
  const perPage = refsPerPage - fixed.length;
  const rnd = prng(seed + 1);
  // Each page picks its own references, distinct within the page, uniformly from all assets.
  const picks = Array.from({ length: pages }, () => {
    const chosen = new Set();
    while (chosen.size < perPage) chosen.add(plan[Math.floor(rnd() * plan.length)].urlPath);
    return [...chosen];
  });
  const inputs = {};
  let written;
  for (const kind of ["filtered", "plain"]) {
    const input = path.join(dir, kind);
    fs.rmSync(input, { recursive: true, force: true });
    fs.mkdirSync(path.join(input, "_includes"), { recursive: true });
    fs.mkdirSync(path.join(input, "pages"), { recursive: true });
    fs.writeFileSync(path.join(input, "_includes", "base.njk"), layout(fixed, REF[kind]));
    fs.writeFileSync(path.join(input, "index.njk"), `---\nlayout: base.njk\ntitle: Home\n---\n<h1>Home</h1>\n`);
    picks.forEach((refs, n) =>
      fs.writeFileSync(path.join(input, "pages", `p${String(n).padStart(5, "0")}.njk`), pageBody(n, refs, REF[kind])),
    );
    if (!written) written = writeAssets(input, plan);
    else linkAssets(written.assets, path.join(dir, "filtered"), input);
    inputs[kind] = input;
  }
  return { inputs, assets: written.assets, assetBytes: written.bytes, pages, refsPerPage };
}

/** Hard-links (or copies) the assets of one input into another: same files, no extra bytes. */
function linkAssets(assets, fromInput, toInput) {
  for (const a of assets) {
    const to = path.join(toInput, path.relative(fromInput, a.file));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    try {
      fs.linkSync(a.file, to);
    } catch {
      fs.copyFileSync(a.file, to);
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [dir, ...rest] = process.argv.slice(2);
  if (!dir) {
    console.error("usage: node bench/generate-site.mjs <dir> [--pages 2000] [--refs 20] [--assets 500]");
    process.exit(2);
  }
  const flag = (name, def) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? Number(rest[i + 1]) : def;
  };
  const site = generateSite(path.resolve(dir), {
    pages: flag("pages", 2000),
    refsPerPage: flag("refs", 20),
    assetCount: flag("assets", 500),
  });
  console.log(
    `wrote ${site.pages} pages x ${site.refsPerPage} references, ${site.assets.length} assets (${(site.assetBytes / 1e6).toFixed(1)} MB) into ${dir}`,
  );
}
