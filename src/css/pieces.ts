// Where a long CSS value can be cut into pieces that postcss-value-parser reads one at a time.
// A value of 100k `url()`s parsed whole made a tree of 300k nodes, kept alive to the end: its
// garbage collection cost grew faster than the text (20x the time for 4x the text). Pieces
// keep the tree small, and the memory bounded, whatever the value.

import { ASTERISK, BACKSLASH, CLOSE_PAREN, DOUBLE_QUOTE, OPEN_PAREN, SINGLE_QUOTE, SLASH } from "./chars.js";

/** A value is cut only where a piece would be at least this long. */
export const PIECE_LENGTH = 4096;

/** Where the string opened by the quote at `open` ends (after its closing quote), or -1. */
function stringEnd(value: string, open: number): number {
  const quote = value.charCodeAt(open);
  for (let i = open + 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === quote) return i + 1;
  }
  return -1;
}

/**
 * The first place at or after `from + min` just after a `)` that closes the outermost
 * bracket, strings, comments and escapes skipped; -1 if there is none. A candidate only: the
 * parser's own reading of the piece confirms it (see `closesAtEnd`).
 *
 * @example
 * nextCut("url(a) url(b)", 0, 1) // 6
 */
export function nextCut(value: string, from: number, min: number): number {
  let depth = 0;
  for (let i = from; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === BACKSLASH) {
      i++;
    } else if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
      const end = stringEnd(value, i);
      if (end < 0) return -1;
      i = end - 1;
    } else if (c === SLASH && value.charCodeAt(i + 1) === ASTERISK) {
      const end = value.indexOf("*/", i + 2);
      if (end < 0) return -1;
      i = end + 1;
    } else if (c === OPEN_PAREN) {
      depth++;
    } else if (c === CLOSE_PAREN && depth > 0) {
      depth--;
      if (depth === 0 && i + 1 - from >= min) return i + 1;
    }
  }
  return -1;
}

/** The parts of a parsed piece this module looks at. */
interface ParsedNode {
  type: string;
  sourceEndIndex?: number;
  unclosed?: boolean;
}

/**
 * Whether the parser read a piece of `length` characters as ending with the `)` of a closed
 * function: then it was outside every function, string and comment there, at the start of a
 * token, and the rest of the value reads the same on its own.
 */
export function closesAtEnd(nodes: readonly ParsedNode[], length: number): boolean {
  const last = nodes[nodes.length - 1];
  return last !== undefined && last.type === "function" && last.unclosed !== true && last.sourceEndIndex === length;
}
