import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CHILD = fileURLToPath(new URL("./linear-child.mjs", import.meta.url));
const SIZE = 50_000;

/** The ratio of the CPU time for 4 * SIZE characters to that for SIZE, measured in a fresh process. */
function ratio(warm: boolean, shape: string): { ratio: number; small: number; large: number } {
  const args = ["--single-threaded", CHILD, warm ? "warm" : "cold", shape, String(SIZE)];
  const out = execFileSync(process.execPath, args, { encoding: "utf8", timeout: 50_000 });
  return JSON.parse(out) as { ratio: number; small: number; large: number };
}

/**
 * Whether 4x the text costs under 5x the time. Up to three measurements, each the fastest of
 * seven runs per size: noise only ever adds time, while quadratic work costs about 16x every time.
 */
function linear(warm: boolean, shape: string): number[] {
  const seen: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const { ratio: r } = ratio(warm, shape);
    seen.push(Number(r.toFixed(2)));
    if (r < 5) break;
  }
  return seen;
}

// Shapes that once took time in proportion to the square of their length (the first two), and
// others at each place the scanner searches ahead. Values holding tens of thousands of url()s
// are not here: see docs/stylesheets.md, "Limits".
const SHAPES = ["openParens", "spaceThenDashes", "emptyParens", "spaceThenAts", "commentsThenAts", "slashInParens"];

describe.each([
  ["after 2,000 ordinary stylesheets warmed the JIT", true],
  ["in a cold process", false],
])("rewriteCss %s", (_, warm) => {
  it.each(SHAPES)("takes under 5x the time for 4x the text of shape %s", (shape) => {
    const seen = linear(warm, shape);
    expect(seen.at(-1), `ratios measured: ${seen.join(", ")}`).toBeLessThan(5);
  });
});
