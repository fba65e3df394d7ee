/** A string literal found next to an `import.meta`: its span (quotes included) and value. */
export interface MetaUrlArgument {
  start: number;
  end: number;
  value: string;
}

const SPACE = /[\s\uFEFF]/;
const IDENT = /[\w$\u0080-\uFFFF]/;

/** The offset after the whitespace and block comments that start at `at`. */
function skipForward(s: string, at: number): number {
  for (;;) {
    while (at < s.length && SPACE.test(s[at] as string)) at++;
    if (s.startsWith("/*", at)) {
      const close = s.indexOf("*/", at + 2);
      if (close < 0) return s.length;
      at = close + 2;
    } else if (s.startsWith("//", at)) {
      const eol = s.slice(at).search(/[\n\r\u2028\u2029]/);
      at = eol < 0 ? s.length : at + eol;
    } else {
      return at;
    }
  }
}

/** The offset just after the last code character before `at`, past whitespace and block comments. */
function skipBack(s: string, at: number): number {
  for (;;) {
    while (at > 0 && SPACE.test(s[at - 1] as string)) at--;
    if (at >= 2 && s.startsWith("*/", at - 2)) {
      const open = s.lastIndexOf("/*", at - 3);
      if (open < 0) return 0;
      at = open;
    } else {
      return at;
    }
  }
}

/** Whether the word ending just before `at` is `word` (and not the end of a longer name). */
function wordBefore(s: string, at: number, word: string): boolean {
  const start = at - word.length;
  return start >= 0 && s.startsWith(word, start) && (start === 0 || !IDENT.test(s[start - 1] as string));
}

/** The string literal ending just before `at` (at its closing quote), without escapes. */
function stringBefore(s: string, at: number): MetaUrlArgument | undefined {
  const quote = s[at - 1];
  if (quote !== '"' && quote !== "'" && quote !== "`") return undefined;
  const open = s.lastIndexOf(quote, at - 2);
  if (open < 0) return undefined;
  const value = s.slice(open + 1, at - 1);
  // Escapes, and `${…}` in a template, would need a JavaScript reader: such URLs are left alone.
  if (value.includes("\\") || (quote === "`" && value.includes("${"))) return undefined;
  return { start: open, end: at, value };
}

/**
 * For the `import.meta` at `[metaStart, metaEnd)`: the URL string of the
 * `new URL("…", import.meta.url)` it ends, or `undefined` when it is anything else. The URL
 * given to a `.register(…)` call (a service worker's) is not returned: pages name it by a URL
 * that must stay the same, or the browser installs a second worker.
 *
 * @example
 * metaUrlArgument('new URL("./x.png", import.meta.url)', 19, 30) // { start: 8, end: 17, value: "./x.png" }
 */
export function metaUrlArgument(s: string, metaStart: number, metaEnd: number): MetaUrlArgument | undefined {
  let at = skipForward(s, metaEnd);
  if (s[at] !== ".") return undefined;
  at = skipForward(s, at + 1);
  if (!s.startsWith("url", at) || IDENT.test(s[at + 3] ?? "")) return undefined;
  at = skipForward(s, at + 3);
  if (s[at] === ",") at = skipForward(s, at + 1);
  if (s[at] !== ")") return undefined;
  let back = skipBack(s, metaStart);
  if (s[back - 1] !== ",") return undefined;
  const arg = stringBefore(s, skipBack(s, back - 1));
  if (!arg) return undefined;
  back = skipBack(s, arg.start);
  if (s[back - 1] !== "(") return undefined;
  back = skipBack(s, back - 1);
  if (!wordBefore(s, back, "URL")) return undefined;
  back = skipBack(s, back - 3);
  if (!wordBefore(s, back, "new")) return undefined;
  return registers(s, back - 3) ? undefined : arg;
}

/** Whether the expression starting at `at` is the first argument of a `.register(` call. */
function registers(s: string, at: number): boolean {
  let back = skipBack(s, at);
  if (s[back - 1] !== "(") return false;
  back = skipBack(s, back - 1);
  if (!wordBefore(s, back, "register")) return false;
  return s[skipBack(s, back - "register".length) - 1] === ".";
}
