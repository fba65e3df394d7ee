#!/usr/bin/env node
import { readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { isMainThread } from "node:worker_threads";
import { parseCli, USAGE, UsageError } from "./args.js";
import { silentProgress, streamProgress } from "./progress.js";
import { formatSummary } from "./report.js";
import { defaultHelpers, serveJob } from "./parallel.js";
import { runCli } from "./run.js";
import { isCrewMember, serveCrew } from "./crew.js";
import type { PlannedPage } from "./page-plan.js";
import { rewritePage, SiteFiles } from "./rewrite.js";

/** Exit codes: 0 done, 1 failed (or `--strict` found problems), 2 bad command line, 130/143 interrupted. */
async function main(argv: string[]): Promise<number> {
  let options: ReturnType<typeof parseCli>;
  try {
    options = parseCli(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`cache-id: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options === "version") {
    process.stdout.write(`${versionOf()}\n`);
    return 0;
  }
  // A signal stops the run between two files: every file is then old or new, never half.
  const controller = new AbortController();
  let exitCode = 0;
  const stop = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(signal === "SIGINT" ? 130 : 143);
    exitCode = signal === "SIGINT" ? 130 : 143;
    controller.abort();
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  watchParent(() => stop("SIGTERM"));
  // Output to a parent that is gone fails with EPIPE: nothing is left to tell.
  process.stdout.on("error", () => {});
  process.stderr.on("error", () => {});
  const showProgress = options.progress ?? process.stderr.isTTY === true;
  const progress = showProgress ? streamProgress(process.stderr) : silentProgress;
  try {
    const helpers = { script: new URL(import.meta.url), count: defaultHelpers() };
    const summary = await runCli(options, { progress, signal: controller.signal, helpers });
    process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary, options));
    if (exitCode !== 0) return exitCode;
    return summary.refused || summary.writeFailures.length > 0 ? 1 : 0;
  } catch (error) {
    progress.end();
    if (error instanceof UsageError) {
      process.stderr.write(`cache-id: ${error.message}\n`);
      return 2;
    }
    process.stderr.write(`cache-id: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/**
 * Calls `onGone` once the process that started this one exits: a CI timeout often signals
 * only `npx` (or a shell), which does not pass the signal on, and the run must stop too.
 */
function watchParent(onGone: () => void): void {
  const parent = process.ppid;
  if (parent <= 1) return;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    onGone();
  }, 250);
  timer.unref();
}

/** The package's version, read next to the running script (dist/cli.js -> package.json). */
function versionOf(): string {
  try {
    const script = realpathSync(process.argv[1] as string);
    return (JSON.parse(readFileSync(join(dirname(script), "..", "package.json"), "utf8")) as { version: string })
      .version;
  } catch {
    return "unknown";
  }
}

// The same script serves the helper threads that share a large site's pages (parallel.ts).
if (isMainThread) start();
else if (isCrewMember()) serveCrew();
else
  serveJob({
    pages: (data: { dir: string; inserts: string[] }) => {
      const files = new SiteFiles(data.dir);
      return (page: PlannedPage) => rewritePage(files, data.inserts, page);
    },
  });

/** Runs the command line and sets the exit code. */
function start(): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`cache-id: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
