import type { CliOptions } from "./args.js";

/** A reference that could not be busted, and where it is written. */
export interface Problem {
  /** Path of the HTML or CSS file, relative to the site directory. */
  file: string;
  line: number;
  column: number;
  /** The URL as written. */
  url: string;
  /** A `CacheBustError` code (`MISSING_FILE`...), or `CSS_SYNTAX`. */
  code: string;
  message: string;
}

/** A file the run meant to write and could not. */
export interface WriteFailure {
  /** Relative to the site directory (or the manifest's path as given). */
  file: string;
  /** The error's code (`EACCES`, `EPERM`, `OUTSIDE_OUTPUT`...). */
  code: string;
  message: string;
}

/** What a run found and did. */
export interface Summary {
  dir: string;
  mode: CliOptions["mode"];
  dryRun: boolean;
  htmlFiles: number;
  cssFiles: number;
  /** Local resource references found (page links, external and `data:` URLs not counted). */
  references: number;
  /** References that resolved to a file. */
  busted: number;
  /** References whose text changed. */
  changed: number;
  /**
   * HTML and CSS files whose text changed: written (only those actually written, also after a
   * signal or a write error), or to be written in a dry run.
   */
  filesChanged: string[];
  /** Fingerprinted copies (path mode): written now, or already there with the right bytes. */
  copiesWritten: number;
  copiesPresent: number;
  manifest: string | undefined;
  /** Whether the manifest file's bytes changed. */
  manifestChanged: boolean;
  problems: Problem[];
  /** Files that could not be written (the run then exits 1). */
  writeFailures: WriteFailure[];
  warnings: string[];
  /** Temporary files of an interrupted earlier run that were removed. */
  leftoversRemoved: number;
  /** `--strict` found problems, so nothing was written. */
  refused: boolean;
  /** Stopped by a signal between two files. */
  interrupted: boolean;
}

/** The summary of a run that has not found or done anything yet. */
export function emptySummary(dir: string, options: Pick<CliOptions, "mode" | "dryRun">): Summary {
  return {
    dir,
    mode: options.mode,
    dryRun: options.dryRun,
    htmlFiles: 0,
    cssFiles: 0,
    references: 0,
    busted: 0,
    changed: 0,
    filesChanged: [],
    copiesWritten: 0,
    copiesPresent: 0,
    manifest: undefined,
    manifestChanged: false,
    problems: [],
    writeFailures: [],
    warnings: [],
    leftoversRemoved: 0,
    refused: false,
    interrupted: false,
  };
}

/** Records problems in `summary`, each (file, position, URL, code) once. */
export function problemRecorder(summary: Summary): (p: Problem) => void {
  const seen = new Set<string>();
  return (p) => {
    const key = `${p.file}\0${p.line}\0${p.column}\0${p.url}\0${p.code}`;
    if (seen.has(key)) return;
    seen.add(key);
    summary.problems.push(p);
  };
}
