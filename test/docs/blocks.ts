// Reads the fenced code blocks of the documentation and turns a JavaScript example into a
// script that also checks the results its comments promise.
import * as fs from "node:fs";
import { join, relative } from "node:path";

/** One fenced block of a markdown file. */
export interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  /** `run` (`<!-- run -->` before the fence), `norun` (`<!-- norun… -->`), or none. */
  mark?: "run" | "norun";
}

const MARK = /^<!--\s*(run|norun)\b[^]*-->\s*$/;

/** The markdown files of the documentation, relative to `repo`: README, docs/, the folder READMEs. */
export function docFiles(repo: string): string[] {
  const pages = fs
    .readdirSync(join(repo, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => join("docs", name));
  const others = ["README.md", "CONTRIBUTING.md", "bench/README.md", "test/e2e/README.md"];
  return [...others.filter((f) => fs.existsSync(join(repo, f))), ...pages.sort()];
}

/** Every fenced block of `text`, with the mark on the line before its fence, if any. */
export function blocksOf(file: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  let open: Block | undefined;
  let body: string[] = [];
  lines.forEach((line, i) => {
    const fence = /^```(\S*)/.exec(line);
    if (!fence) {
      if (open) body.push(line);
      return;
    }
    if (open) {
      blocks.push({ ...open, code: body.join("\n") + "\n" });
      open = undefined;
      return;
    }
    const before = previousText(lines, i);
    const mark = MARK.exec(before)?.[1] as Block["mark"];
    open = { file, line: i + 1, lang: fence[1], code: "", mark };
    body = [];
  });
  return blocks;
}

function previousText(lines: string[], i: number): string {
  for (let j = i - 1; j >= 0; j--) if (lines[j].trim() !== "") return lines[j].trim();
  return "";
}

/** Whether a block is run: `js` blocks unless marked norun, `sh` blocks only when marked run. */
export function runnable(block: Block): boolean {
  if (block.mark === "norun") return false;
  if (block.lang === "js") return true;
  return block.lang === "sh" && block.mark === "run";
}

/** A block's place, for test names and messages: `docs/core.md:12`. */
export function where(block: Block, repo: string): string {
  return `${relative(repo, block.file)}:${block.line}`;
}

const STATEMENT =
  /^(\s*)(?!(?:const|let|var|import|export|try|if|for|function|class|return)\b)(\S.*?);(?:\s+\/\/\s?(.*))?$/;
const CHECKED_COMMENT = /^\/\/\s?(["<].*)$/;

/**
 * The block as a module that checks each result a comment gives: `expr; // "text"` (the
 * quoted part), or `expr;` followed by a comment line that starts with `<` or `"`. In the
 * expected text `…` stands for anything and `<hash…>` for a hex hash.
 */
export function instrument(code: string): string {
  const lines = code.split("\n");
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const statement = STATEMENT.exec(lines[i]);
    const next = statement && statement[3] === undefined ? CHECKED_COMMENT.exec(lines[i + 1] ?? "") : null;
    const expected = statement ? expectedText(statement[3] ?? next?.[1]) : undefined;
    if (!statement || expected === undefined) {
      out.push(lines[i]);
      continue;
    }
    const check = `${pattern(expected)}, ${JSON.stringify(expected)}, ${i + 1}`;
    out.push(`${statement[1]}__expect(await (${statement[2]}), ${check});`);
  }
  return `${out.join("\n")}\n${EXPECT}`;
}

/** The text a comment promises, or undefined when it promises nothing checkable. */
export function expectedText(comment: string | undefined): string | undefined {
  if (comment === undefined) return undefined;
  if (comment.startsWith("<")) return comment.trimEnd();
  const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(comment);
  return quoted ? (JSON.parse(`"${quoted[1]}"`) as string) : undefined;
}

/** A regular expression for an expected text: `…` is anything, `<hash…>` a hex hash. */
export function pattern(expected: string): RegExp {
  const parts = expected.split(/(…|<hash[^>]*>)/);
  const source = parts
    .map((part) => {
      if (part === "…") return "[^]*?";
      if (part.startsWith("<hash")) return "[0-9a-f]+";
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return new RegExp(`^${source}$`);
}

// Appended to every instrumented block; function declarations are hoisted.
const EXPECT = `
function __expect(actual, pattern, expected, line) {
  if (typeof actual !== "string" || !pattern.test(actual)) {
    const got = typeof actual === "string" ? JSON.stringify(actual) : String(actual);
    throw new Error("example line " + line + ": expected " + JSON.stringify(expected) + ", got " + got);
  }
}
`;
