/** Where one image candidate's URL sits in a `srcset` value. */
export interface Span {
  start: number;
  end: number;
}

const SPACE = /[\t\n\f\r ]/;

/**
 * The URLs of a `srcset` value, as the HTML standard's parsing algorithm finds them: URLs end
 * at whitespace, a URL's trailing commas separate candidates, descriptors run to the next
 * comma outside parentheses.
 *
 * @example
 * srcsetUrls("a.png 1x, b.png 2x") // [{ start: 0, end: 5 }, { start: 10, end: 15 }]
 */
export function srcsetUrls(value: string): Span[] {
  const out: Span[] = [];
  let i = 0;
  while (i < value.length) {
    while (i < value.length && (SPACE.test(value[i] as string) || value[i] === ",")) i++;
    if (i >= value.length) break;
    const start = i;
    while (i < value.length && !SPACE.test(value[i] as string)) i++;
    let end = i;
    if (value[end - 1] === ",") {
      while (end > start && value[end - 1] === ",") end--;
      if (end > start) out.push({ start, end });
      continue;
    }
    out.push({ start, end });
    let depth = 0;
    while (i < value.length) {
      const c = value[i];
      if (c === "(") depth++;
      else if (c === ")") depth = Math.max(0, depth - 1);
      else if (c === "," && depth === 0) break;
      i++;
    }
  }
  return out;
}
