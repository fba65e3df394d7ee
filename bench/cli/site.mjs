// The finished site the CLI bench busts: pages like a generator's output, each naming 3 layout
// assets and 17 others out of 500.
//
//   node bench/cli/site.mjs <dir> <pages>     writes one, to look at or to run the CLI on
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { planAssets, writeAssets } from "../lib/assets.mjs";

const LOREM =
  "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ";

/** A finished site of `pages` pages, each naming 3 layout assets and 17 others, about 8 KB of HTML. */
export function generate(root, pages) {
  const { assets } = writeAssets(root, planAssets({ count: 500, seed: 7 }));
  const pick = (i, k) => assets[(i * 17 + k * 31) % assets.length].urlPath;
  const first = (ext) => assets.find((a) => a.ext === ext).urlPath;
  for (let i = 0; i < pages; i++) {
    const refs = Array.from({ length: 17 }, (_, k) => {
      const url = pick(i, k);
      return url.endsWith(".css")
        ? `<link rel="stylesheet" href="${url}">`
        : url.endsWith(".js")
          ? `<script src="${url}"></script>`
          : `<img src="${url}" alt="">`;
    });
    const html = `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>Page ${i}</title>\n<link rel="stylesheet" href="${first("css")}">\n<script src="${first("js")}" defer></script></head>\n<body><header><img src="${first("svg")}" alt="logo"><nav><a href="/">Home</a> <a href="/p/${i + 1}/">Next</a></nav></header>\n<main>${refs.map((r) => `<p>${LOREM.repeat(3)}${r}</p>`).join("\n")}</main></body></html>\n`;
    const dir = path.join(root, "p", String(i));
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "index.html"), html);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const [dir, pages] = process.argv.slice(2);
  generate(dir, Number(pages));
}
