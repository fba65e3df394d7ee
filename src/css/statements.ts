// The rules here are postcss's (its tokenizer, and how its parser splits statements), applied
// only at the characters that can matter: a regular expression skips the rest, so most of the
// text is never looked at from JavaScript. Making a token of every word and space, as postcss
// does, took several times as long. test/css/parser.test.ts checks against postcss.parse that
// both find the same URLs.
import { lineLocator } from "./position.js";
import { CssSyntaxError } from "./syntax-error.js";
import {
  LF,
  CR,
  DOUBLE_QUOTE,
  SINGLE_QUOTE,
  OPEN_PAREN,
  CLOSE_PAREN,
  ASTERISK,
  SLASH,
  COLON,
  SEMICOLON,
  AT,
  OPEN_SQUARE,
  BACKSLASH,
  CLOSE_SQUARE,
  OPEN_CURLY,
  CLOSE_CURLY,
  HYPHEN,
  isSpace,
} from "./chars.js";

/** A part of a stylesheet that can hold URLs, as offsets into it. */
export interface Statement {
  /** `import`: the prelude of an `@import`; `value`: a declaration's value that calls a function. */
  kind: "import" | "value";
  start: number;
  end: number;
}

/** The characters that can start a comment, string, escape, bracket, statement end or at-rule. */
const SIGNIFICANT = /[/"'\\()[\]{}:;@]/g;
/**
 * Where nothing read so far can hold a URL, the same less `{`, `}`, `;` and `:`: the
 * statements those characters end and split are worked out afterwards (see `catchUp`), so a
 * rule without a function call is no stop at all instead of six. A `--` is one instead, since
 * a custom property's value may hold braces that end nothing.
 */
const PLAIN_STOPS = /[/"'\\()[\]@]|-(?=-)/g;
/** What may stand before `url` for `url(` to be a URL token (or nothing: the text's start). */
const BEFORE_URL = new Set(Array.from("\t\n\f\r \"'(),/:;[]{}", (ch) => ch.charCodeAt(0)));
/**
 * Deepest nesting of brackets read: past it a stylesheet is refused as a `CssSyntaxError`.
 * No real stylesheet comes near it, and every reader after this one (postcss-value-parser,
 * browsers' own) then works on a tree of bounded depth.
 */
export const MAX_NESTING = 1000;
/** What ends an at-keyword: it takes in `:` and more, as in postcss. */
const AT_KEYWORD_END = new Set(Array.from("\t\n\f\r \"#'()/;[\\]{}", (ch) => ch.charCodeAt(0)));

/** Where the unescaped `close` after `from` is, or -1. */
function closing(source: string, close: string, from: number): number {
  let at = from;
  for (;;) {
    at = source.indexOf(close, at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (source.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** Whether `(...)` from `open` to `close` holds nothing that needs tokens (postcss: "brackets"). */
function isPlainBracket(source: string, open: number, close: number): boolean {
  for (let i = open + 1; i < close; i++) {
    const c = source.charCodeAt(i);
    if (
      c === LF ||
      c === CR ||
      c === DOUBLE_QUOTE ||
      c === SINGLE_QUOTE ||
      c === OPEN_PAREN ||
      c === SLASH ||
      c === BACKSLASH
    )
      return false;
  }
  return true;
}

/** Whether the `(` at `open` starts an unquoted `url(`, whose text is then read raw. */
function isRawUrl(source: string, open: number): boolean {
  // Character codes, not a regular expression on a slice: once optimised, that slice and test
  // cost time in proportion to the whole text, at every "(" (4 s for 800k of them).
  const lower = (at: number) => source.charCodeAt(at) | 0x20;
  if (open < 3 || lower(open - 1) !== 0x6c || lower(open - 2) !== 0x72 || lower(open - 3) !== 0x75) return false;
  if (open > 3 && !BEFORE_URL.has(source.charCodeAt(open - 4))) return false;
  let i = open + 1;
  while (isSpace(source.charCodeAt(i))) i++;
  const c = source.charCodeAt(i);
  return c !== DOUBLE_QUOTE && c !== SINGLE_QUOTE;
}

/** Where the at-keyword starting at `at` ends (exclusive). */
function atKeywordEnd(source: string, at: number): number {
  let i = at + 1;
  while (i < source.length && !AT_KEYWORD_END.has(source.charCodeAt(i))) i++;
  return i;
}

/** The first character from `from` on that is neither white space nor in a comment. */
function firstSignificant(source: string, from: number): number {
  let i = from;
  for (;;) {
    while (isSpace(source.charCodeAt(i))) i++;
    if (source.charCodeAt(i) !== SLASH || source.charCodeAt(i + 1) !== ASTERISK) return i;
    const close = source.indexOf("*/", i + 2);
    if (close < 0) return i;
    i = close + 2;
  }
}

function syntaxError(reason: string, source: string, offset: number, file: string | undefined): never {
  const { line, column } = lineLocator(source)(offset);
  throw new CssSyntaxError(reason, file, line, column, source);
}

function unclosed(what: string, source: string, offset: number, file: string | undefined): never {
  syntaxError(`Unclosed ${what}`, source, offset, file);
}

/** Pushes the closer of a bracket opened at `at`, refusing nesting deeper than {@link MAX_NESTING}. */
function opened(open: number[], closer: number, source: string, at: number, file: string | undefined): void {
  if (open.length >= MAX_NESTING) syntaxError(`Brackets nested more than ${MAX_NESTING} deep`, source, at, file);
  open.push(closer);
}

/** The statement being read, and what is known about it so far. */
interface Reading {
  start: number;
  /** After the first `:`, wherever it is: postcss splits property and value there. */
  valueAt: number;
  /** Whether a `:` stands outside brackets, which makes the statement a declaration. */
  isDeclaration: boolean;
  /** After `@import`, when the statement is one. */
  importAt: number;
  /** Whether it is another at-rule, whose prelude holds no URL to bust. */
  atRule: boolean;
  /** Whether it holds a `(`: a value without one has no `url()` or `image-set()`. */
  hasCall: boolean;
  /** Whether it starts with `--` (a custom property, or a rule that looks like one). */
  custom: boolean;
  /** Its first character that is neither white space nor in a comment, once looked for (-1 before). */
  first: number;
}

/**
 * Where the statement's first significant character is: looked for once per statement, since
 * it is asked at every `@`, `--` and `{` in it (asking each time made a statement of white space
 * and `--` quadratic: 30 s for 100k characters).
 */
function firstOf(source: string, reading: Reading): number {
  if (reading.first < 0) reading.first = firstSignificant(source, reading.start);
  return reading.first;
}

/**
 * Brings `reading` up to `to` over a stretch from `from` that holds no comment, string, escape,
 * bracket, at-rule or `--`, when nothing read before it can hold a URL. Then every `{`, `}` and
 * `;` in the stretch ends a statement (the `{` of a custom property, which does not, comes
 * after a `--`), those statements record nothing, so only the last one matters, and in the
 * statement left open any `:` stands outside brackets. Each character is looked at once at most.
 */
function catchUp(source: string, reading: Reading, from: number, to: number): void {
  let k = to - 1;
  while (k >= from) {
    const c = source.charCodeAt(k);
    if (c === SEMICOLON || c === CLOSE_CURLY || c === OPEN_CURLY) break;
    k--;
  }
  if (k >= from) begin(reading, k + 1);
  if (reading.isDeclaration) return;
  for (let j = Math.max(from, k + 1); j < to; j++) {
    if (source.charCodeAt(j) === COLON) {
      if (reading.valueAt < 0) reading.valueAt = j + 1;
      reading.isDeclaration = true;
      return;
    }
  }
}

/** Starts reading a new statement at `start`. */
function begin(reading: Reading, start: number): void {
  reading.start = start;
  reading.valueAt = reading.importAt = reading.first = -1;
  reading.isDeclaration = reading.atRule = reading.hasCall = reading.custom = false;
}

/** Ends the statement before `at`, recording it if it can hold a URL, and starts the next. */
function finish(reading: Reading, at: number, opensBlock: boolean, out: Statement[]): void {
  if (reading.importAt >= 0) out.push({ kind: "import", start: reading.importAt, end: at });
  else if (!opensBlock && !reading.atRule && reading.hasCall && reading.isDeclaration)
    out.push({ kind: "value", start: reading.valueAt, end: at });
  begin(reading, at + 1);
}

/**
 * The statements of a stylesheet that can hold a URL: `@import` preludes, and the values of
 * declarations that call a function (`url()`, `image-set()`...). Comments, strings, selectors
 * and other at-rules' preludes are skipped. Throws a `CssSyntaxError` (naming `file`,
 * line and column) for an unclosed comment, string or `url(`, or brackets nested more than
 * {@link MAX_NESTING} deep. Linear in the text's length, whatever the text.
 *
 * @example
 * findStatements("a { color: red; background: url(x.png) }") // [{ kind: "value", start: 28, end: 39 }]
 */
export function findStatements(source: string, file?: string): Statement[] {
  const scan: Scan = { source, file, out: [], reading: newReading(), open: [], lastBadParen: -1 };
  const everyStop = new RegExp(SIGNIFICANT);
  const fewerStops = new RegExp(PLAIN_STOPS);
  const { reading, open } = scan;
  for (let from = 0; ;) {
    // Nothing read so far can be a URL's (no call, no @import, no open bracket), and no brace
    // can belong to a custom property's value.
    const plain = open.length === 0 && !reading.hasCall && reading.importAt < 0 && !reading.custom;
    const next = plain ? fewerStops : everyStop;
    next.lastIndex = from;
    if (!next.test(source)) break;
    const i = next.lastIndex - 1;
    if (plain) catchUp(source, reading, from, i);
    from = skipAt(scan, i) ?? structureAt(scan, i);
  }
  finish(reading, source.length, false, scan.out);
  return scan.out;
}

/** What {@link findStatements} keeps while it reads. */
interface Scan {
  source: string;
  file: string | undefined;
  out: Statement[];
  reading: Reading;
  /** Closers expected, innermost last: each closes only what is open, as in postcss. */
  open: number[];
  /** The `)` of the last `(` found not to close plainly: a `(` before it opens a bracket. */
  lastBadParen: number;
}

/** A {@link Reading} of the first statement. */
function newReading(): Reading {
  return {
    start: 0,
    valueAt: -1,
    isDeclaration: false,
    importAt: -1,
    atRule: false,
    hasCall: false,
    custom: false,
    first: -1,
  };
}

/**
 * Reads what is skipped whole at `i` (a comment, a string, an escape, a `url(` or a bracket
 * that closes plainly) and returns where reading goes on, or `undefined` if nothing is.
 */
function skipAt(scan: Scan, i: number): number | undefined {
  const { source, file } = scan;
  const c = source.charCodeAt(i);
  switch (c) {
    case SLASH: {
      if (source.charCodeAt(i + 1) !== ASTERISK) return i + 1;
      const close = source.indexOf("*/", i + 2);
      if (close < 0) unclosed("comment", source, i, file);
      return close + 2;
    }
    case DOUBLE_QUOTE:
    case SINGLE_QUOTE: {
      const close = closing(source, c === DOUBLE_QUOTE ? '"' : "'", i);
      if (close < 0) unclosed("string", source, i, file);
      return close + 1;
    }
    case BACKSLASH: {
      // An escaped character is part of a word, never a delimiter.
      const after = source.charCodeAt(i + 1);
      return after !== SLASH && !isSpace(after) ? i + 2 : i + 1;
    }
    case OPEN_PAREN:
      return parenAt(scan, i);
    case AT: {
      const end = atKeywordEnd(source, i);
      if (firstOf(source, scan.reading) === i) {
        if (source.slice(i, end).toLowerCase() === "@import") scan.reading.importAt = end;
        else scan.reading.atRule = true;
      }
      return end;
    }
  }
  return undefined;
}

/** Reads the `(` at `i`: a raw `url(` or a plain bracket skipped whole, or a bracket opened. */
function parenAt(scan: Scan, i: number): number {
  const { source, file, open } = scan;
  scan.reading.hasCall = true;
  if (isRawUrl(source, i)) {
    const close = closing(source, ")", i);
    if (close < 0) unclosed("bracket", source, i, file);
    return close + 1;
  }
  if (i > scan.lastBadParen) {
    const close = source.indexOf(")", i + 1);
    if (close >= 0 && isPlainBracket(source, i, close)) return close + 1;
    scan.lastBadParen = close < 0 ? source.length : close;
  }
  opened(open, CLOSE_PAREN, source, i, file);
  return i + 1;
}

/** Reads the bracket, colon, `--` or statement end at `i`; reading goes on after it. */
function structureAt(scan: Scan, i: number): number {
  const { source, file, reading, open, out } = scan;
  const c = source.charCodeAt(i);
  switch (c) {
    case OPEN_SQUARE:
      opened(open, CLOSE_SQUARE, source, i, file);
      break;
    case CLOSE_PAREN:
    case CLOSE_SQUARE:
      if (open[open.length - 1] === c) open.pop();
      break;
    case COLON:
      if (reading.valueAt < 0) reading.valueAt = i + 1;
      if (open.length === 0) reading.isDeclaration = true;
      break;
    case HYPHEN:
      // Only a plain stretch stops here, at `--`: from a custom property's start on, every
      // character counts.
      if (firstOf(source, reading) === i) reading.custom = true;
      break;
    case OPEN_CURLY:
      // A custom property's value may hold braces, with `;` inside them.
      if (reading.isDeclaration && source.startsWith("--", firstOf(source, reading)))
        opened(open, CLOSE_CURLY, source, i, file);
      else if (open.length === 0) finish(reading, i, true, out);
      break;
    case CLOSE_CURLY:
      if (open.length === 0) finish(reading, i, false, out);
      else if (open[open.length - 1] === c) open.pop();
      break;
    case SEMICOLON:
      if (open.length === 0) finish(reading, i, false, out);
      break;
  }
  return i + 1;
}
