import type { Summary } from "./summary.js";

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** How many problems the text summary lists before it says "and N more" (`--json` lists all). */
export const SHOWN_PROBLEMS = 50;

/**
 * The summary a person reads after a run.
 *
 * @example
 * formatSummary(summary, { verbose: false }) // "cache-id: scanned 12 HTML and 3 CSS files in ...\n..."
 */
export function formatSummary(s: Summary, options: { verbose: boolean }): string {
  const lines = [
    `cache-id: scanned ${s.htmlFiles} HTML and ${plural(s.cssFiles, "CSS file")} in ${s.dir} (${s.mode} mode${s.dryRun ? ", dry run" : ""})`,
  ];
  lines.push(
    `  busted ${plural(s.busted, "URL")} of ${s.references} found; ${s.changed} ${s.dryRun ? "would change" : "changed"}`,
  );
  if (s.refused) {
    lines.push(`  wrote nothing: --strict and ${plural(s.problems.length, "reference")} could not be busted`);
  } else if (!s.dryRun || s.filesChanged.length > 0) {
    lines.push(
      `  ${s.dryRun ? "would rewrite" : "rewrote"} ${plural(s.filesChanged.length, "file")}${s.mode === "path" && !s.dryRun ? `, wrote ${plural(s.copiesWritten, "fingerprinted copy", "fingerprinted copies")} (${s.copiesPresent} already there)` : ""}`,
    );
  }
  if (options.verbose) for (const f of s.filesChanged) lines.push(`    ${f}`);
  if (s.manifest !== undefined && !s.refused && !s.interrupted) {
    lines.push(
      s.dryRun
        ? `  would write manifest ${s.manifest}`
        : `  manifest ${s.manifest} ${s.manifestChanged ? "written" : "unchanged"}`,
    );
  }
  if (s.leftoversRemoved > 0)
    lines.push(`  removed ${plural(s.leftoversRemoved, "temporary file")} left by an interrupted run`);
  if (s.interrupted) lines.push("  interrupted: stopped between two files; run again to finish");
  if (s.writeFailures.length > 0) {
    lines.push(`  ${plural(s.writeFailures.length, "file")} could not be written:`);
    for (const f of s.writeFailures) lines.push(`    ${f.file}  ${f.code}: ${f.message.replace(/^cache-id: /, "")}`);
  }
  for (const w of s.warnings) lines.push(`  warning: ${w}`);
  if (s.problems.length > 0) {
    lines.push(`  ${plural(s.problems.length, "reference")} could not be busted (left as written):`);
    for (const p of s.problems.slice(0, SHOWN_PROBLEMS))
      lines.push(`    ${p.file}:${p.line}:${p.column}  ${p.url}  ${p.code}: ${p.message.replace(/^cache-id: /, "")}`);
    if (s.problems.length > SHOWN_PROBLEMS)
      lines.push(`    ... and ${s.problems.length - SHOWN_PROBLEMS} more (--json lists all)`);
  }
  return `${lines.join("\n")}\n`;
}
