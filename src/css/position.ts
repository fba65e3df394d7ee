/** A 1-based line and column, as editors show them. */
export interface Position {
  line: number;
  column: number;
}

/**
 * Turns offsets in a text into lines and columns; build it once per text, then ask many times.
 *
 * @example
 * lineLocator("a\nbc")(3) // { line: 2, column: 2 }
 */
export function lineLocator(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // CR LF, lone CR and LF each end a line, as in CSS and HTML.
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) starts.push(i + 1);
  }
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
}
