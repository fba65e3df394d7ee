import type { Edit } from "../css/edits.js";

/** Where an attribute's value sits in the HTML text, and how it is written. */
export interface RawValue {
  /** Offset of the first character of the value (after an opening quote). */
  start: number;
  /** Offset just after the value (before a closing quote). */
  end: number;
  /** `"`, `'`, or `""` for an unquoted value. */
  quote: string;
}

/**
 * Finds the value of an attribute in its source text `name=value` (as parse5's location info
 * gives it), or `undefined` for an attribute written without a value.
 *
 * @example
 * rawValue('src = "a.png"', 10, 3) // { start: 17, end: 22, quote: '"' }
 */
export function rawValue(html: string, start: number, nameLength: number, end: number): RawValue | undefined {
  const eq = html.indexOf("=", start + nameLength);
  if (eq < 0 || eq >= end) return undefined;
  let at = eq + 1;
  while (at < end && /[\t\n\f\r ]/.test(html[at] as string)) at++;
  const q = html[at];
  if ((q === '"' || q === "'") && end - at >= 2 && html[end - 1] === q)
    return { start: at + 1, end: end - 1, quote: q };
  return { start: at, end, quote: "" };
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

/**
 * Reads the character references of a raw attribute value, and maps each character of the
 * result back to its offset in `raw` (`map[i]` for character `i`, `map[length]` = end).
 * Knows numeric references and the common named ones; returns `undefined` when its reading
 * differs from `expected` (the HTML parser's), so an unusual value is left alone, not broken.
 *
 * @example
 * decodeWithMap("a&amp;b", "a&b") // { value: "a&b", map: [0, 1, 6, 7] }
 */
export function decodeWithMap(raw: string, expected: string): { value: string; map: number[] } | undefined {
  let value = "";
  const map: number[] = [];
  let i = 0;
  while (i < raw.length) {
    const c = raw[i] as string;
    if (c === "&") {
      const m = /^&(?:#[xX]([0-9a-fA-F]+);?|#([0-9]+);?|([a-zA-Z][a-zA-Z0-9]*);)/.exec(raw.slice(i, i + 40));
      const code = m ? (m[1] ? parseInt(m[1], 16) : m[2] ? parseInt(m[2], 10) : undefined) : undefined;
      const text =
        m?.[3] !== undefined
          ? NAMED[m[3]]
          : code !== undefined && code > 0 && code <= 0x10ffff
            ? String.fromCodePoint(code)
            : undefined;
      if (m && text !== undefined) {
        for (let k = 0; k < text.length; k++) map.push(i);
        value += text;
        i += m[0].length;
        continue;
      }
    }
    // The parser reads CR LF and a lone CR as LF.
    map.push(i);
    if (c === "\r") {
      value += "\n";
      i += raw[i + 1] === "\n" ? 2 : 1;
      continue;
    }
    value += c;
    i++;
  }
  map.push(raw.length);
  return value === expected ? { value, map } : undefined;
}

/** Escapes text for an attribute value written with `quote` (`""`: unquoted). */
function escapeFor(text: string, quote: string): string {
  return text.replace(/[&"']/g, (c) => (c === "&" ? "&amp;" : c === quote ? (c === '"' ? "&quot;" : "&#39;") : c));
}

/**
 * Applies edits made to an attribute's decoded value to its raw text: characters outside the
 * edits are copied as written (references and all), inserted text is escaped. Returns the
 * edit to make in the HTML, quoting a value that was unquoted if it now needs quotes.
 *
 * @example
 * rewriteValue('src=a.png', { start: 4, end: 9, quote: "" }, "a.png", [{ start: 5, end: 5, insert: "?v=1" }]) // { start: 4, end: 9, insert: '"a.png?v=1"' }
 */
export function rewriteValue(
  html: string,
  where: RawValue,
  expected: string,
  edits: readonly Edit[],
): Edit | undefined {
  if (edits.length === 0) return undefined;
  const raw = html.slice(where.start, where.end);
  // A value with no reference and no CR reads as written: each character is at its own offset
  // (what decodeWithMap would find, without building the map).
  const plain = raw === expected && !raw.includes("&") && !raw.includes("\r");
  const map = plain ? undefined : decodeWithMap(raw, expected)?.map;
  if (!plain && !map) return undefined;
  const offset = (i: number) => (map ? (map[i] as number) : i);
  let out = "";
  let at = 0;
  let needsQuotes = false;
  for (const edit of edits.length === 1 ? edits : [...edits].sort((a, b) => a.start - b.start)) {
    const insert = escapeFor(edit.insert, where.quote);
    // Only what is added can make an unquoted value need quotes: the rest parsed as it is.
    needsQuotes ||= where.quote === "" && /[\s"'=<>`]/.test(insert);
    out += raw.slice(at, offset(edit.start)) + insert;
    at = offset(edit.end);
  }
  out += raw.slice(at);
  if (needsQuotes) {
    return { start: where.start, end: where.end, insert: `"${out.replace(/"/g, "&quot;")}"` };
  }
  return { start: where.start, end: where.end, insert: out };
}
