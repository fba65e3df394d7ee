// Turning figures into text: Markdown tables that read the same in a terminal and in the README.

/** A Markdown table; `align` holds "l" or "r" per column. */
export function table(head, rows, align = head.map((_, i) => (i === 0 ? "l" : "r"))) {
  const cells = [head, ...rows].map((r) => r.map((c) => String(c)));
  const width = head.map((_, i) => Math.max(3, ...cells.map((r) => r[i].length)));
  const pad = (s, i) => (align[i] === "r" ? s.padStart(width[i]) : s.padEnd(width[i]));
  const line = (r) => `| ${r.map(pad).join(" | ")} |`;
  const rule = `| ${width.map((w, i) => (align[i] === "r" ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join("\n");
}

/** `1.234` -> `"1.23x"`. */
export const times = (x, digits = 2) => (Number.isFinite(x) ? `${x.toFixed(digits)}x` : "n/a");

/** A duration in ms, with a unit that keeps 3 significant digits. */
export function duration(ms) {
  if (!Number.isFinite(ms)) return "n/a";
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : ms >= 10 ? 1 : 2)} ms`;
  const us = ms * 1000;
  if (us >= 1) return `${us.toFixed(us >= 100 ? 0 : us >= 10 ? 1 : 2)} µs`;
  return `${(us * 1000).toFixed(0)} ns`;
}

/** Bytes per second as MB/s (10^6). */
export const mbps = (bytesPerSecond) =>
  Number.isFinite(bytesPerSecond) ? `${(bytesPerSecond / 1e6).toFixed(0)} MB/s` : "n/a";

/** A ratio against a target: "met" / "MISSED". `higher` when bigger is better. */
export function verdict(value, target, higher = false) {
  if (!Number.isFinite(value)) return "not measured";
  return (higher ? value >= target : value <= target) ? "met" : "MISSED";
}
