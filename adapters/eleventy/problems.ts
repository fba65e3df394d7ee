import { CacheBustError, type CacheBustErrorCode, type MissingPolicy } from "../../src/index.js";
import type { CssReferenceProblem } from "../../src/css/index.js";

/** Makes a plugin error, its message prefixed with the plugin's name. */
export function pluginError(
  code: CacheBustErrorCode,
  message: string,
  details: { url?: unknown; file?: string; cause?: unknown } = {},
): CacheBustError {
  return new CacheBustError(code, `cache-id/eleventy: ${message}`, details);
}

/**
 * The plugin's one warn-once policy: a problem is warned about once per key and build
 * (`reset()` starts a build), through `onWarning` or else `console.warn`.
 */
export function warnOnce(onWarning: ((error: CacheBustError) => void) | undefined) {
  const warned = new Set<string>();
  const warn = onWarning ?? ((error: CacheBustError) => console.warn(error.message));
  return {
    warn(key: string, error: CacheBustError): void {
      if (warned.has(key)) return;
      warned.add(key);
      warn(error);
    },
    reset(): void {
      warned.clear();
    },
  };
}

/** A plugin's warn-once reporter. */
export type WarnOnce = ReturnType<typeof warnOnce>;

/** Applies a `missing` policy to a problem: `error` throws, `warn` warns once per key and build, `ignore` says nothing. */
export function follow(policy: MissingPolicy, warnings: WarnOnce, key: string, error: CacheBustError): void {
  if (policy === "error") throw error;
  if (policy === "warn") warnings.warn(key, error);
}

/**
 * Reports a stylesheet reference that cannot be busted under the policy templates follow,
 * naming the stylesheet, line and column.
 */
export function cssProblemReporter(policy: () => MissingPolicy, warnings: WarnOnce) {
  return (problem: CssReferenceProblem): void => {
    const where = `${problem.file}:${problem.line}:${problem.column}`;
    const error = new CacheBustError(problem.error.code, `${problem.error.message} (referenced from ${where})`, {
      url: problem.url,
      file: problem.error.file,
      cause: problem.error,
    });
    follow(policy(), warnings, where, error);
  };
}
