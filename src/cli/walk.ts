import * as fs from "node:fs";
import { join } from "node:path";
import { TEMP_FILE } from "../core/emit.js";
import { byCodeUnit } from "../core/order.js";

/** The files of a site the CLI reads or cleans up, as paths relative to the site's directory. */
export interface SiteFiles {
  html: string[];
  css: string[];
  /** Web app manifests (`*.webmanifest`, `manifest.json`), rewritten in place like stylesheets. */
  manifests: string[];
  /** Temporary files an interrupted earlier run left behind. */
  leftovers: string[];
}

const HTML = /\.html?$/i;
const CSS = /\.css$/i;
const MANIFEST = /^(.*\.webmanifest|manifest\.json)$/i;
/** Directories that are never part of a published site. */
const SKIPPED = new Set([".git", ".hg", ".svn", "node_modules"]);

/**
 * Lists the HTML and CSS files under `dir` (`/`-separated, sorted). Symbolic links are not
 * followed or listed: a rename over one would replace the link, not the file it names.
 * Synchronous: a site of 10,000 directories spent more time in thread-pool round trips
 * than in reading them.
 */
export function walkSite(dir: string): SiteFiles {
  const out: SiteFiles = { html: [], css: [], manifests: [], leftovers: [] };
  const visit = (rel: string): void => {
    const entries = fs.readdirSync(rel ? join(dir, rel) : dir, { withFileTypes: true });
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) visit(path);
      } else if (entry.isFile()) {
        if (HTML.test(entry.name)) out.html.push(path);
        else if (CSS.test(entry.name)) out.css.push(path);
        else if (MANIFEST.test(entry.name)) out.manifests.push(path);
        else if (TEMP_FILE.test(entry.name)) out.leftovers.push(path);
      }
    }
  };
  visit("");
  out.html.sort(byCodeUnit);
  out.css.sort(byCodeUnit);
  out.manifests.sort(byCodeUnit);
  return out;
}
