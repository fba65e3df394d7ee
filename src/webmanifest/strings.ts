/** A string value in a JSON text: where it is, and the keys and indexes that lead to it. */
export interface JsonString {
  path: Array<string | number>;
  /** Offsets of the string token, quotes included. */
  start: number;
  end: number;
  value: string;
}

interface Frame {
  kind: "object" | "array";
  /** In an object: the key of the value being read; in an array: the index. */
  at: string | number;
  expectKey: boolean;
}

/** The end of the string token that starts at `i` (just after its closing quote). */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
  return j + 1;
}

/** Applies one structural character (`{ [ } ] : ,`) to the stack. */
function step(stack: Frame[], c: string): void {
  const top = stack[stack.length - 1];
  if (c === "{") stack.push({ kind: "object", at: "", expectKey: true });
  else if (c === "[") stack.push({ kind: "array", at: 0, expectKey: false });
  else if (c === "}" || c === "]") stack.pop();
  else if (c === ":" && top) top.expectKey = false;
  else if (c === "," && top) {
    if (top.kind === "array") top.at = (top.at as number) + 1;
    else top.expectKey = true;
  }
}

/**
 * Every string value of a JSON text (keys excluded) with its path, for a text that
 * `JSON.parse` accepts: what a rewrite needs to change one value and keep every other byte.
 *
 * @example
 * jsonStrings('{"icons":[{"src":"a.png"}]}') // [{ path: ["icons", 0, "src"], start: 18, end: 25, value: "a.png" }]
 */
export function jsonStrings(text: string): JsonString[] {
  const out: JsonString[] = [];
  const stack: Frame[] = [];
  for (let i = 0; i < text.length;) {
    const c = text[i] as string;
    if (c !== '"') {
      step(stack, c);
      i++;
      continue;
    }
    const end = stringEnd(text, i);
    const value = JSON.parse(text.slice(i, end)) as string;
    const top = stack[stack.length - 1];
    if (top?.kind === "object" && top.expectKey) top.at = value;
    else out.push({ path: stack.map((f) => f.at), start: i, end, value });
    i = end;
  }
  return out;
}
