import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { sha, site } from "./fixtures.js";

// These run Eleventy's own command line in a child process against the built package (dist/):
// `npm test` builds it first; run `npx tsup --silent` before running this file alone.
const repo = resolve(__dirname, "../..");
const eleventyBin = join(repo, "node_modules/@11ty/eleventy/cmd.cjs");
const pluginEsm = join(repo, "dist/eleventy.js");
const pluginCjs = join(repo, "dist/eleventy.cjs");

const CSS = "body { background: #123456 }\n";
const CSS2 = "body { background: #654321 }\n";
const JS = "console.log(1)\n";

/** A TCP port nothing listens on right now. */
function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => ok(port));
    });
  });
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
});

beforeAll(() => {
  expect(fs.existsSync(pluginEsm) && fs.existsSync(pluginCjs), "dist/ is missing: run `npx tsup --silent` first").toBe(
    true,
  );
});

/** Starts Eleventy's command line in `dir`; `log()` is all it has printed so far. */
function startEleventy(dir: string, args: string[]): { log: () => string } {
  let log = "";
  const child = spawn(process.execPath, [eleventyBin, ...args], {
    cwd: dir,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  child.stdout?.on("data", (d) => (log += d));
  child.stderr?.on("data", (d) => (log += d));
  return { log: () => log };
}

/** Starts `eleventy --serve` in `dir` and waits for its server; returns the server's base URL. */
async function startServer(dir: string): Promise<{ base: string; log: () => string }> {
  const { log } = startEleventy(dir, ["--serve", `--port=${await freePort()}`]);
  const SERVER = /Server at (http:\/\/[^\s]+)/;
  await until("the server", () => SERVER.test(log()), 30_000, log);
  return { base: (SERVER.exec(log()) as RegExpExecArray)[1] as string, log };
}

/** Polls `check` every 100 ms until it returns true, failing after `ms`. */
async function until(what: string, check: () => boolean, ms = 30_000, log: () => string = () => ""): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Status and text of a URL once the running build has finished: polled until a 200 (with `expected`, if given), for at most 30 s. */
async function served(url: URL, log: () => string, expected?: string): Promise<[number, string]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await fetch(url);
    const answer: [number, string] = [response.status, await response.text()];
    if ((answer[0] === 200 && (expected === undefined || answer[1] === expected)) || Date.now() > deadline)
      return answer;
    if (log().includes("Error")) return answer;
    await new Promise((r) => setTimeout(r, 200));
  }
}

function read(file: string): string {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

function esmProject(): string {
  return site({
    "src/css/site.css": CSS,
    "src/index.njk": `<link href="{{ '/css/site.css' | cache_bust }}">`,
    "eleventy.config.mjs": `import cacheBust from ${JSON.stringify(pathToFileURL(pluginEsm).href)};
export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy("src/css");
  eleventyConfig.addPlugin(cacheBust);
}
export const config = { dir: { input: "src", output: "_site" } };
`,
  });
}

describe("Eleventy's command line with the built plugin", () => {
  test("--watch gives a changed asset its new hash in the next build", async () => {
    const dir = esmProject();
    const { log } = startEleventy(dir, ["--watch"]);
    const out = join(dir, "_site/index.html");
    await until("the first build", () => read(out).includes(sha(CSS)), 30_000, log);
    // Wait for the watcher to be ready before editing.
    await until("the watcher", () => log().includes("Watching"), 30_000, log);
    // Eleventy prints "Watching" before its file watcher has always finished starting: an edit
    // made in that gap starts no rebuild. Writing again every 2 s makes the test about the
    // plugin's answer to a rebuild, not about when the watcher is ready.
    const edit = () => fs.writeFileSync(join(dir, "src/css/site.css"), CSS2);
    edit();
    let edited = Date.now();
    const rebuilt = () => {
      if (read(out).includes(sha(CSS2))) return true;
      if (Date.now() - edited > 2000) (edit(), (edited = Date.now()));
      return false;
    };
    await until("the rebuild", rebuilt, 30_000, log);
    expect(read(out)).toBe(`<link href="/css/site.css?v=${sha(CSS2)}">`);
  });

  test("--watch warns about a missing file instead of stopping", async () => {
    const dir = esmProject();
    fs.writeFileSync(join(dir, "src/index.njk"), `<link href="{{ '/css/nope.css' | cache_bust }}">`);
    const { log } = startEleventy(dir, ["--watch"]);
    const out = join(dir, "_site/index.html");
    await until("the first build", () => read(out) !== "", 30_000, log);
    expect([read(out), /cache-id: .*nope\.css/.test(log())]).toEqual([`<link href="/css/nope.css">`, true]);
  });

  test("--serve answers a fingerprinted URL with the file's bytes, even with passthrough copies served from source", async () => {
    const dir = site({
      "src/js/app.js": JS,
      "src/index.njk": `<script src="{{ '/js/app.js' | cache_bust }}"></script>`,
      "eleventy.config.mjs": `import cacheBust from ${JSON.stringify(pathToFileURL(pluginEsm).href)};
export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy("src/js");
  eleventyConfig.setServerPassthroughCopyBehavior("passthrough");
  eleventyConfig.addPlugin(cacheBust, { mode: "path" });
}
export const config = { dir: { input: "src", output: "_site" } };
`,
    });
    const { base, log } = await startServer(dir);
    const url = `/js/app.${sha(JS)}.js`;
    await until("the build", () => read(join(dir, "_site/index.html")).includes(url), 30_000, log);
    const response = await fetch(new URL(url, base));
    expect([response.status, await response.text()]).toEqual([200, JS]);
  });

  test("--serve answers a stylesheet's URL with its rewritten text when passthrough copies are served from source", async () => {
    const dir = site({
      "src/img/logo.png": "png\n",
      "src/css/site.css": `h1 { background: url(../img/logo.png) }\n`,
      "src/index.njk": `<link href="{{ '/css/site.css' | cache_bust }}">`,
      "eleventy.config.mjs": `import cacheBust from ${JSON.stringify(pathToFileURL(pluginEsm).href)};
export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy("src/css");
  eleventyConfig.addPassthroughCopy("src/img");
  eleventyConfig.setServerPassthroughCopyBehavior("passthrough");
  eleventyConfig.addPlugin(cacheBust);
}
export const config = { dir: { input: "src", output: "_site" } };
`,
    });
    const { base, log } = await startServer(dir);
    await until("the build", () => read(join(dir, "_site/index.html")).includes("?v="), 30_000, log);
    const busted = (/href="([^"]+)"/.exec(read(join(dir, "_site/index.html"))) as RegExpExecArray)[1] as string;
    const response = await fetch(new URL(busted, base));
    const text = await response.text();
    expect([response.status, text, busted]).toEqual([
      200,
      `h1 { background: url(../img/logo.png?v=${sha("png\n")}) }\n`,
      `/css/site.css?v=${sha(text)}`,
    ]);
  });

  test("--serve with passthrough copies served from source gives an edited stylesheet its new hash in the page and at its URL", async () => {
    const dir = site({
      "public/img/logo.png": "png\n",
      "public/css/site.css": `h1 { background: url(../img/logo.png) }\n`,
      "src/index.njk": `<link href="{{ '/css/site.css' | cache_bust }}">`,
      "eleventy.config.mjs": `import cacheBust from ${JSON.stringify(pathToFileURL(pluginEsm).href)};
export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy({ public: "/" });
  eleventyConfig.setServerPassthroughCopyBehavior("passthrough");
  eleventyConfig.addPlugin(cacheBust);
}
export const config = { dir: { input: "src", output: "_site" } };
`,
    });
    const { base, log } = await startServer(dir);
    const html = join(dir, "_site/index.html");
    await until("the build", () => read(html).includes("?v="), 30_000, log);
    const EDITED = `h1 { color: red; background: url(../img/logo.png) }\n`;
    const rewritten = EDITED.replace("logo.png", `logo.png?v=${sha("png\n")}`);
    const edit = () => fs.writeFileSync(join(dir, "public/css/site.css"), EDITED);
    edit();
    let edited = Date.now();
    await until(
      "the page to name the edited stylesheet",
      () => {
        if (read(html).includes(sha(rewritten))) return true;
        if (Date.now() - edited > 2000) (edit(), (edited = Date.now()));
        return false;
      },
      30_000,
      log,
    );
    expect(await served(new URL(`/css/site.css?v=${sha(rewritten)}`, base), log, rewritten)).toEqual([200, rewritten]);
  });

  test("--serve in path mode with passthrough copies served from source gives an edited image a new URL that serves its new bytes", async () => {
    const dir = site({
      "public/img/logo.png": "png\n",
      "src/index.njk": `<img src="{{ '/img/logo.png' | cache_bust }}">`,
      "eleventy.config.mjs": `import cacheBust from ${JSON.stringify(pathToFileURL(pluginEsm).href)};
export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy({ public: "/" });
  eleventyConfig.setServerPassthroughCopyBehavior("passthrough");
  eleventyConfig.addPlugin(cacheBust, { mode: "path" });
}
export const config = { dir: { input: "src", output: "_site" } };
`,
    });
    const { base, log } = await startServer(dir);
    const html = join(dir, "_site/index.html");
    await until("the build", () => read(html).includes(sha("png\n")), 30_000, log);
    const edit = () => fs.writeFileSync(join(dir, "public/img/logo.png"), "png, edited\n");
    edit();
    let edited = Date.now();
    const url = `/img/logo.${sha("png, edited\n")}.png`;
    await until(
      "the page to name the edited image",
      () => {
        if (read(html).includes(url)) return true;
        if (Date.now() - edited > 2000) (edit(), (edited = Date.now()));
        return false;
      },
      30_000,
      log,
    );
    // The page is written before the build's end, where the fingerprinted copy is: the dev
    // server reloads browsers after that end, so the test waits for it too.
    expect(await served(new URL(url, base), log)).toEqual([200, "png, edited\n"]);
  });

  test("--serve names the template in a missing: warn message", async () => {
    const dir = esmProject();
    fs.writeFileSync(join(dir, "src/index.njk"), `<link href="{{ '/css/nope.css' | cache_bust }}">`);
    const { log } = await startServer(dir);
    await until("the warning", () => /nope\.css/.test(log()), 30_000, log);
    expect(log()).toMatch(/nope\.css.*in template \.\/src\/index\.njk/);
  });

  test("a CommonJS config can require the plugin", () => {
    const dir = site({
      "src/css/site.css": CSS,
      "src/index.njk": `{{ '/css/site.css' | cache_bust }}`,
      "eleventy.config.cjs": `const cacheBust = require(${JSON.stringify(pluginCjs)});
module.exports = function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy("src/css");
  eleventyConfig.addPlugin(cacheBust);
  return { dir: { input: "src", output: "_site" } };
};
`,
    });
    const run = spawnSync(process.execPath, [eleventyBin], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect([run.status, read(join(dir, "_site/index.html"))]).toEqual([0, `/css/site.css?v=${sha(CSS)}`]);
  });
});
