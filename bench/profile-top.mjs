// Summarises a V8 CPU profile (from `node --cpu-prof`): the functions that took the most time,
// by self time or including their callees. Used to find what limits a benchmark.
//
//   node bench/profile-top.mjs <file.cpuprofile> [--inclusive] [--top 30] [--match dist/]
import * as fs from "node:fs";
import { parseArgs } from "node:util";

/** `name file:line` of a profile node, with the file shortened to its last two segments. */
function label(callFrame) {
  const file = callFrame.url.split("/").slice(-2).join("/");
  return `${callFrame.functionName || "(anonymous)"} ${file}:${callFrame.lineNumber + 1}`;
}

/**
 * Time per function label, in µs: self time, or (inclusive) time with every callee, counting a
 * recursive function once per sample.
 */
export function timeByFunction(profile, inclusive) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const totals = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    if (!inclusive) {
      const key = label(byId.get(id).callFrame);
      totals.set(key, (totals.get(key) ?? 0) + dt);
      return;
    }
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const key = label(byId.get(at).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      totals.set(key, (totals.get(key) ?? 0) + dt);
    }
  });
  return { totals, total };
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    inclusive: { type: "boolean", default: false },
    top: { type: "string", default: "30" },
    match: { type: "string" },
  },
});
if (positionals.length !== 1) {
  console.error("usage: node bench/profile-top.mjs <file.cpuprofile> [--inclusive] [--top 30] [--match text]");
  process.exit(2);
}
const { totals, total } = timeByFunction(JSON.parse(fs.readFileSync(positionals[0], "utf8")), values.inclusive);
const rows = [...totals].filter(([k]) => !values.match || k.includes(values.match)).sort((a, b) => b[1] - a[1]);
console.log(`${(total / 1000).toFixed(0)} ms sampled, ${values.inclusive ? "inclusive" : "self"} time`);
for (const [key, us] of rows.slice(0, Number(values.top)))
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
