// End to end for JavaScript modules: a page whose module imports a module that changes. A
// plain static site is busted by the CLI (`--js rewrite`, then `--js importmap`), served with
// year-long cache headers behind Varnish, and run in Chromium. After the imported module
// changes and the site is busted again, the page runs the new code at once, in the same
// browser (its cache warm); a control page that loads the same module without busting keeps
// running the old one.
/* global document -- the functions given to page.waitForFunction() and page.evaluate() run in the browser */
import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startOrigin } from "./origin.mjs";
import { runProcess, withTimeout } from "./support.mjs";
import { VCL_DIR, startVarnish } from "./varnish.mjs";

const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));

const PAGE = `<!doctype html><html><head><title>modules</title>
<script type="module" src="/js/app.js"></script></head><body><p id="out"></p></body></html>
`;
const APP = `import { message } from "./util.js";\ndocument.getElementById("out").textContent = message;\n`;
const util = (message) => `export const message = ${JSON.stringify(message)};\n`;
/** The same module, loaded by a page the CLI never saw: no busted URL, no import map. */
const CONTROL = PAGE.replace("<title>modules</title>", "<title>control</title>");

/** The ways the scenario runs, registered in run.mjs. */
export const JS_SCENARIOS = ["rewrite", "importmap"].map((way) => ({
  name: `js-${way}`,
  mode: "query",
  vcl: "cdn.vcl",
  way,
  run: runJsScenario,
}));

/** Writes the site from scratch into `out` and busts it with the CLI; the control page is added after. */
async function buildModules(out, message, way, cleanup) {
  await fs.rm(out, { recursive: true, force: true });
  await fs.mkdir(path.join(out, "js"), { recursive: true });
  await fs.writeFile(path.join(out, "index.html"), PAGE);
  await fs.writeFile(path.join(out, "js", "app.js"), APP);
  await fs.writeFile(path.join(out, "js", "util.js"), util(message));
  await runProcess(process.execPath, [CLI, out, "--js", way], { timeoutMs: 120000, cleanup });
  await fs.writeFile(path.join(out, "control.html"), CONTROL);
}

/** What the page's modules wrote, once they ran. */
async function runModules(page, url) {
  const response = await page.goto(url, { waitUntil: "load", timeout: 30000 });
  if (!response || !response.ok()) throw new Error(`${url}: HTTP ${response ? response.status() : "no response"}`);
  await withTimeout(
    page.waitForFunction(() => document.getElementById("out")?.textContent !== ""),
    20000,
    `${url}: the module runs`,
  );
  return page.evaluate(() => document.getElementById("out").textContent);
}

/** One way: build, serve through Varnish, run, change the imported module, build, run again. */
export async function runJsScenario(scenario, { browser, workRoot, shotsDir, shots, cleanup, check, log }) {
  const workDir = path.join(workRoot, scenario.name);
  const out = path.join(workDir, "site");
  await buildModules(out, "one", scenario.way, cleanup);
  const origin = await startOrigin(out);
  cleanup.add(`origin ${origin.url}`, origin.close);
  const varnish = await startVarnish({
    vclFile: path.join(VCL_DIR, scenario.vcl),
    backendPort: origin.port,
    workDir: path.join(workDir, "varnish"),
    cleanup,
  });
  log(`origin ${origin.url}, varnish ${varnish.url}; --js ${scenario.way}`);
  const context = await withTimeout(browser.newContext(), 20000, "new browser context");
  cleanup.add("browser context", () => context.close());
  const page = await withTimeout(context.newPage(), 20000, "new page");
  const pageUrl = new URL("/", varnish.url).href;
  const controlUrl = new URL("/control.html", varnish.url).href;

  const before = await runModules(page, pageUrl);
  const controlBefore = await runModules(page, controlUrl);
  check(`--js ${scenario.way}: before the change, the page and the control page run the module`, () => {
    assert.equal(before, "one");
    assert.equal(controlBefore, "one");
  });

  log("change the imported module, bust the site again");
  await buildModules(out, "two", scenario.way, cleanup);
  const after = await runModules(page, pageUrl);
  const file = path.join(shotsDir, `${scenario.name}-after.png`);
  await page.screenshot({ path: file });
  shots.after = file;
  check(`--js ${scenario.way}: after the change, the page runs the changed module at once`, () =>
    assert.equal(after, "two"),
  );
  const controlAfter = await runModules(page, controlUrl);
  check(`--js ${scenario.way}: the control page, without busting, keeps running the old module`, () =>
    assert.equal(controlAfter, "one"),
  );
}
