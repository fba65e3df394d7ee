// The files the documentation's examples talk about, in a temporary directory where
// `cache-id` and the engines resolve as they would in a user's project.
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** What every example may use: `public/img/car.jpg` holds `car` (so its hash is 2b2961a431). */
const PUBLIC: Record<string, string> = {
  "img/car.jpg": "car",
  "img/hero.png": "hero",
  "img/hero@2x.png": "hero 2x",
  "fonts/a.woff2": "font",
  "app.js": 'console.log("app");\n',
  "a.css": "body { margin: 0 }\n",
  "css/base.css": "html { color: black }\n",
  "css/site.css":
    '@import "base.css";\n@font-face { src: url("../fonts/a.woff2#iefix") format("woff2"); }\n' +
    '.hero { background: image-set("../img/hero.png" 1x, url(../img/hero@2x.png) 2x); }\n',
  "dl/x.tar.gz": "tarball",
  LICENSE: "MIT\n",
  ".htaccess": "Options -Indexes\n",
  "index.html":
    '<!doctype html>\n<link rel="stylesheet" href="/css/site.css">\n<img src="/img/car.jpg">\n<a href="/about/">About</a>\n',
};

/** The sites the CLI examples bust: the same files under each name they use. */
const SITE_DIRS = ["public", "dist", "_site"];

/**
 * A directory whose `node_modules` links `cache-id` to the repository and every installed
 * package (the engines) to the repository's own. Examples run in
 * subdirectories of it, each made by `exampleDir`.
 */
export function projectDir(repo: string): string {
  const dir = fs.realpathSync(fs.mkdtempSync(join(tmpdir(), "cache-id-docs-")));
  const modules = join(dir, "node_modules");
  fs.mkdirSync(modules);
  for (const name of fs.readdirSync(join(repo, "node_modules"))) {
    if (name.startsWith(".")) continue;
    fs.symlinkSync(join(repo, "node_modules", name), join(modules, name), "junction");
  }
  fs.symlinkSync(repo, join(modules, "cache-id"), "junction");
  return dir;
}

/** A fresh directory under `project` with the example files in public/, dist/ and _site/. */
export function exampleDir(project: string, name: string): string {
  const dir = join(project, name);
  for (const site of SITE_DIRS) {
    for (const [path, contents] of Object.entries(PUBLIC)) {
      const file = join(dir, site, path);
      fs.mkdirSync(dirname(file), { recursive: true });
      fs.writeFileSync(file, contents);
    }
  }
  return dir;
}
