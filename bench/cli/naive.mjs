// The baseline of the CLI bench: a naive regex buster doing the same rewriting as the CLI on
// the generated site (every local src/href in a page gets the hash of the file it names), in
// query or path mode. No HTML parsing, no safety checks: the floor a careful tool is held to.
//
//   node bench/cli/naive.mjs <dir> query|path
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

const [dir, mode] = process.argv.slice(2);
const hashes = new Map();
const ATTR = /\b(src|href)="(\/[^"?#]+\.(?:css|js|png|jpg|svg|woff2))"/g;

function hashOf(urlPath) {
  let hash = hashes.get(urlPath);
  if (hash === undefined) {
    const file = path.join(dir, urlPath);
    hash = fs.existsSync(file) ? createHash("sha256").update(fs.readFileSync(file)).digest("hex").slice(0, 10) : "";
    hashes.set(urlPath, hash);
    if (hash && mode === "path") fs.copyFileSync(file, file.replace(/(\.[a-z0-9]+)$/, `.${hash}$1`));
  }
  return hash;
}

function visit(sub) {
  for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
    const rel = `${sub}/${entry.name}`;
    if (entry.isDirectory()) visit(rel);
    else if (entry.name.endsWith(".html")) {
      const file = path.join(dir, rel);
      const text = fs.readFileSync(file, "utf8");
      const out = text.replace(ATTR, (whole, attr, url) => {
        const hash = hashOf(url);
        if (!hash) return whole;
        return `${attr}="${mode === "path" ? url.replace(/(\.[a-z0-9]+)$/, `.${hash}$1`) : `${url}?v=${hash}`}"`;
      });
      if (out !== text) fs.writeFileSync(file, out);
    }
  }
}

visit("");
process.on("exit", () => process.stderr.write(`\nMAXRSS ${process.resourceUsage().maxRSS}\n`));
