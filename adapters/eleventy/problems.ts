import { CacheBustError, type MissingPolicy } from "../../src/index.js";
import type { CssReferenceProblem } from "../../src/css/index.js";

/**
 * Reports a stylesheet reference that cannot be busted under the policy templates follow:
 * `error` throws (naming the stylesheet, line and column), `warn` warns once per place and
 * build, `ignore` says nothing. `reset()` starts a new build.
 */
export function cssProblemReporter(policy: () => MissingPolicy, onWarning: ((error: CacheBustError) => void) | undefined) {
  const warned = new Set<string>();
  const warn = onWarning ?? ((error: CacheBustError) => console.warn(error.message));
  return {
    report(problem: CssReferenceProblem): void {
      const current = policy();
      if (current === "ignore") return;
      const where = `${problem.file}:${problem.line}:${problem.column}`;
      const error = new CacheBustError(problem.error.code, `${problem.error.message} (referenced from ${where})`, {
        url: problem.url,
        file: problem.error.file,
        cause: problem.error,
      });
      if (current === "error") throw error;
      if (!warned.has(where)) {
        warned.add(where);
        warn(error);
      }
    },
    reset(): void {
      warned.clear();
    },
  };
}
