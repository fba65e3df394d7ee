#!/usr/bin/env node
// `npm run demo:app`: starts the example app on a temporary copy of its assets, prints its URL,
// then edits the copy's stylesheet while the server runs and shows the page naming it by its
// new hash. The repository is never written to.
//
//   npm run demo:app               keeps running (Ctrl-C stops it)
//   npm run demo:app -- --once     demonstrates, then exits (0 when the URL changed)
//   npm run demo:app -- --port 8080 --mode path
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PUBLIC_DIR, startApp } from "./app.mjs";

const { values } = parseArgs({
  options: { once: { type: "boolean" }, port: { type: "string" }, mode: { type: "string" } },
});
const publicDir = fs.mkdtempSync(join(tmpdir(), "cache-id-app-"));
fs.cpSync(PUBLIC_DIR, publicDir, { recursive: true });
const { url, close } = await startApp({
  publicDir,
  port: Number(values.port ?? 0),
  mode: values.mode === "path" ? "path" : "query",
});
console.log(`cache-id example app: ${url}  (assets from ${publicDir})`);

/** The stylesheet URL the page names right now. */
async function stylesheetUrl() {
  const html = await (await fetch(url)).text();
  return /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
}

const before = await stylesheetUrl();
console.log(`page names   ${before}`);
await new Promise((r) => setTimeout(r, values.once ? 100 : 2000));
fs.appendFileSync(
  join(publicDir, "css", "site.css"),
  `h1 { color: rgb(170, 40, 40); } /* edited ${new Date().toISOString()} */\n`,
);
console.log(`edited       css/site.css (the heading turns red)`);
// validate: "watch" sees an edit on the first call made 100 ms after it.
await new Promise((r) => setTimeout(r, 150));
const after = await stylesheetUrl();
const served = await fetch(new URL(after, url));
console.log(`page names   ${after}  -> ${served.status}, ${served.headers.get("cache-control")}`);
const changed = before !== after;
console.log(changed ? "the edited stylesheet got a new URL while the server ran" : "the URL did NOT change");
// A file changed in the last 3 s (the core's trustAfterMs) could change again unseen in the same timestamp tick.
console.log("(answered no-store until the edit is 3 s old, then immutable)");

const stop = async () => {
  await close();
  fs.rmSync(publicDir, { recursive: true, force: true });
};
if (values.once) {
  await stop();
  process.exit(changed ? 0 : 1);
}
console.log("edit files under the directory above and reload; Ctrl-C stops the server");
process.on("SIGINT", () => void stop().then(() => process.exit(0)));
