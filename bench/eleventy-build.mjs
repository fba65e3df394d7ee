// One Eleventy build of the synthetic site, in a fresh process (forked by eleventy.mjs).
// Times everything a variant adds (loading its filter or the plugin, configuring, building),
// but not loading Eleventy itself, which is the same for all variants.
//
//   node bench/eleventy-build.mjs <plain|identity|plugin|plugin-nocss|plugin-js|naive> <input> <output> [--passthrough]
//
// The assets are always published by a passthrough copy (the plugin busts only what the built
// site serves); --passthrough adds the dev-server behaviour of serving copies from source.
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import Eleventy from "@11ty/eleventy";

const [variant, input, output, ...flags] = process.argv.slice(2);
const serveFromSource = flags.includes("--passthrough");

const started = performance.now();
// CPU time of every thread of the process: what the build costs, less the waits a busy shared
// machine adds to the wall-clock time.
const cpuAtStart = process.cpuUsage();
let setup = () => {};
if (variant === "identity") {
  const { identity } = await import("./lib/baselines.mjs");
  setup = (config) => config.addFilter("cache_bust", identity);
} else if (variant === "naive") {
  const { naiveBust } = await import("./lib/baselines.mjs");
  setup = (config) => config.addFilter("cache_bust", naiveBust(input));
} else if (variant === "plugin" || variant === "plugin-nocss" || variant === "plugin-js") {
  const { distFile } = await import("./lib/load.mjs");
  const { default: cacheBust } = await import(pathToFileURL(distFile("eleventy")).href);
  // "plugin-nocss": the same plugin with stylesheet rewriting off, to show what that costs;
  // "plugin-js": with modules' imports rewritten too (`js: true`).
  const options = { plugin: undefined, "plugin-nocss": { transformers: [] }, "plugin-js": { js: true } }[variant];
  setup = (config) => config.addPlugin(cacheBust, options);
} else if (variant !== "plain") {
  throw new Error(`unknown variant ${variant}`);
}

const eleventy = new Eleventy(input, output, {
  quietMode: true,
  // No config file (a falsy path skips them): the variant's callback is the whole configuration.
  configPath: false,
  config: (config) => {
    setup(config);
    config.addPassthroughCopy({ [path.join(input, "assets")]: "assets" });
    if (serveFromSource) config.setServerPassthroughCopyBehavior("passthrough");
  },
});
await eleventy.write();
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuAtStart);
const cpuMs = (cpu.user + cpu.system) / 1000;

// A sample of the output, for the parent to check that the variants agree.
const sample = fs.readFileSync(path.join(output, "pages", "p00000", "index.html"), "utf8");
const pages = fs.readdirSync(path.join(output, "pages")).length;
process.send({ ms, cpuMs, pages, sample });
