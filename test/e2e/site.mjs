// The example site, as the test uses it: a temporary copy (the repository stays untouched,
// see examples/site-copy.mjs) built by Eleventy, with a control page added to its output,
// then changed and built again.
import fs from "node:fs/promises";
import path from "node:path";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import { copyExampleSite } from "../../examples/site-copy.mjs";
import { solidPng } from "./png.mjs";
import { runProcess } from "./support.mjs";

/** The two assets the test watches: their URL paths, and their files in the site's copy. */
export const ASSETS = {
  stylesheet: { url: "/css/site.css", file: "src/css/site.css" },
  image: { url: "/img/logo.png", file: "src/img/logo.png" },
};

/**
 * The control page: the same assets, linked without cache_bust. Written into the build
 * output after each build, so it does not depend on the template formats the site uses.
 */
export const CONTROL_PAGE = "/e2e-control.html";

const CONTROL_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Control: assets linked without cache_bust</title>
<link rel="stylesheet" href="${ASSETS.stylesheet.url}">
</head>
<body>
<h1>Control page</h1>
<p>The same stylesheet and image, linked without <code>cache_bust</code>.</p>
<img src="${ASSETS.image.url}" alt="logo">
</body>
</html>
`;

/** The colour the changed stylesheet gives the page's body, as the browser reports it. */
export const CHANGED_BACKGROUND = "rgb(255, 0, 170)";

const CHANGED_CSS_RULE = `
/* Added by the end-to-end test: the "changed asset". */
body { background-color: ${CHANGED_BACKGROUND}; }
`;

/** The changed image: a PNG of one colour, unlike the example's and unlike the new background. */
const CHANGED_IMAGE = solidPng(32, 32, [255, 204, 0]);

/** Lowercase hex SHA-256 of some bytes. */
export function sha256(bytes) {
  return crypto.createHash("sha256").update(bytes).digest("hex");
}

/**
 * Copies examples/site into a temporary directory, where `cache-id/eleventy` resolves to
 * this repository as an installed package would; registers the copy's removal with
 * `cleanup`. Resolves to `{ dir, output }`.
 */
export function copySite({ cleanup }) {
  const copy = copyExampleSite();
  cleanup.add(`site copy ${copy.site}`, copy.remove);
  return { dir: copy.site, output: copy.output };
}

/** The Eleventy command-line script of the repository's @11ty/eleventy. */
function eleventyBin() {
  const entry = createRequire(import.meta.url).resolve("@11ty/eleventy");
  return path.join(entry, "..", "..", "cmd.cjs");
}

/**
 * Builds the copied site with Eleventy in a child process (a fresh one per build, as a
 * user's `npx @11ty/eleventy` would be), with `CACHE_BUST_MODE` set to `mode`; then adds
 * the control page to the output.
 */
export async function buildSite(site, { mode, cleanup, timeoutMs = 120000 }) {
  await runProcess(process.execPath, [eleventyBin(), "--config=eleventy.config.mjs", "--quiet"], {
    cwd: site.dir,
    env: { ...process.env, CACHE_BUST_MODE: mode },
    cleanup,
    timeoutMs,
  });
  await fs.writeFile(path.join(site.output, CONTROL_PAGE), CONTROL_HTML);
}

/** The SHA-256 of an asset's source file in the copied site. */
export async function assetSha256(site, asset) {
  return sha256(await fs.readFile(path.join(site.dir, asset.file)));
}

/**
 * Changes both assets of the copied site: a rule appended to the stylesheet that paints the
 * body in {@link CHANGED_BACKGROUND}, and a different image. Returns what the browser should
 * then show: `{ background, imageSha256 }`.
 */
export async function changeAssets(site) {
  await fs.appendFile(path.join(site.dir, ASSETS.stylesheet.file), CHANGED_CSS_RULE);
  await fs.writeFile(path.join(site.dir, ASSETS.image.file), CHANGED_IMAGE);
  return { background: CHANGED_BACKGROUND, imageSha256: sha256(CHANGED_IMAGE) };
}
