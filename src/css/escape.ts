/**
 * Reads CSS escapes (`\"`, `\ `, `\26 `) out of the text of a string or `url()` token, as a
 * browser does before it requests the URL.
 *
 * @example
 * unescapeCss("my\\ car.png") // "my car.png"
 */
export function unescapeCss(raw: string): string {
  return raw.replace(
    /\\(?:([0-9a-fA-F]{1,6})[ \t\n\f]?|\r\n|([\s\S]))/g,
    (_whole, hex: string | undefined, char: string | undefined) => {
      if (hex !== undefined) {
        const code = parseInt(hex, 16);
        return code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)
          ? "\ufffd"
          : String.fromCodePoint(code);
      }
      // A backslash before a newline continues a string onto the next line: it stands for nothing.
      if (char === undefined || char === "\n" || char === "\r" || char === "\f") return "";
      return char;
    },
  );
}

/**
 * Writes a URL back as the text of a CSS token: inside a string with `quote`, or as an
 * unquoted `url()` when `quote` is empty. The inverse of {@link unescapeCss}.
 *
 * @example
 * escapeCss('a"b.png', '"') // 'a\\"b.png'
 * escapeCss("my car.png", "") // "my\\ car.png"
 */
export function escapeCss(url: string, quote: string): string {
  const special = quote === "" ? /[\\\s"'()]/g : quote === '"' ? /[\\"\n\r\f]/g : /[\\'\n\r\f]/g;
  return url.replace(special, (c) => (/[\n\r\f\t]/.test(c) ? `\\${c.charCodeAt(0).toString(16)} ` : `\\${c}`));
}
