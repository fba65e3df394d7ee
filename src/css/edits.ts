/** Replace `text.slice(start, end)` with `insert`. */
export interface Edit {
  start: number;
  end: number;
  insert: string;
}

/**
 * Applies non-overlapping edits to a text, leaving every other character as it was.
 *
 * @example
 * applyEdits("url(a.png)", [{ start: 4, end: 9, insert: "a.png?v=1" }]) // "url(a.png?v=1)"
 */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  if (edits.length === 0) return text;
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = "";
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new RangeError(`overlapping edits at offset ${edit.start}`);
    out += text.slice(at, edit.start) + edit.insert;
    at = edit.end;
  }
  return out + text.slice(at);
}
