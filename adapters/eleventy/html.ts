const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", sol: "/", num: "#", quest: "?", equals: "=", percnt: "%", period: "." };

/** Names that HTML also reads without a `;` (a subset of the legacy list, enough for URLs). */
const LEGACY = new Set("amp lt gt quot nbsp copy reg para sect not shy macr deg pound yen cent curren brvbar uml ordf laquo raquo micro middot cedil ordm iexcl iquest times divide frac12 frac14 frac34 sup1 sup2 sup3 acute AMP LT GT QUOT COPY REG".split(" "));

/**
 * The URL a browser reads from raw attribute text, or `undefined` when the text holds a
 * character reference this decoder does not know (the URL is then left alone).
 *
 * @example
 * decodeAttribute("/a.css?x=1&amp;y=2") // "/a.css?x=1&y=2"
 * decodeAttribute("/a.css?x=1&y=2") // "/a.css?x=1&y=2" (a bare & is literal)
 */
export function decodeAttribute(raw: string): string | undefined {
  if (!raw.includes("&")) return raw;
  let unknown = false;
  const out = raw.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*)(;?)/g, (whole, name: string, semi: string, at: number) => {
    if (name.startsWith("#")) {
      if (!semi) return ((unknown = true), whole);
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return ((unknown = true), whole);
      return String.fromCodePoint(code);
    }
    if (semi) {
      const known = NAMED[name];
      if (known === undefined) unknown = true;
      return known ?? whole;
    }
    // `&copy=1` is literal in an attribute (a name followed by `=` or an alphanumeric never is
    // decoded there), but `&copy,` would be: leave such text alone rather than guess.
    const next = raw[at + whole.length];
    if (LEGACY.has(name) && next !== "=") unknown = true;
    return whole;
  });
  return unknown ? undefined : out;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", '"': "&quot;", "'": "&#39;", "<": "&lt;", ">": "&gt;" };

/**
 * Attribute text for a URL that Eleventy writes back as it is given: `raw` when nothing
 * changed, otherwise the new URL escaped for an attribute.
 *
 * @example
 * encodeAttribute("/a.css?x=1&amp;y=2", "/a.css?x=1&y=2", "/a.css?x=1&y=2&v=3f") // "/a.css?x=1&amp;y=2&amp;v=3f"
 */
export function encodeAttribute(raw: string, decoded: string, busted: string): string {
  return busted === decoded ? raw : busted.replace(/[&"'<>]/g, (c) => ESCAPES[c] as string);
}
