// Character codes the CSS scanners compare with `charCodeAt`.

export const TAB = 9;
export const LF = 10;
export const FF = 12;
export const CR = 13;
export const SPACE = 32;
export const DOUBLE_QUOTE = 34;
export const SINGLE_QUOTE = 39;
export const OPEN_PAREN = 40;
export const CLOSE_PAREN = 41;
export const ASTERISK = 42;
export const SLASH = 47;
export const COLON = 58;
export const SEMICOLON = 59;
export const AT = 64;
export const OPEN_SQUARE = 91;
export const BACKSLASH = 92;
export const CLOSE_SQUARE = 93;
export const OPEN_CURLY = 123;
export const CLOSE_CURLY = 125;
export const HYPHEN = 45;

/** CSS white space (a space, tab, line feed, form feed or carriage return). */
export const isSpace = (c: number) => c === SPACE || c === LF || c === TAB || c === CR || c === FF;
