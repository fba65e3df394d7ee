import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseFragment } from "parse5";

export { sha, site, write } from "../core/fixtures.js";

/** The repository root, where `cache-id` resolves to this package. */
export const REPO = join(__dirname, "../..");

/** One element of parsed HTML, as a browser sees it. */
export interface ParsedElement {
  tag: string;
  attrs: Record<string, string>;
  /** Attribute names in document order, to spot an attribute smuggled in by a broken quote. */
  names: string[];
}

interface Node {
  nodeName: string;
  tagName?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: Node[];
  content?: Node;
}

/**
 * Every element of an HTML fragment, in document order, with attribute values decoded the way
 * a browser reads them (character references resolved).
 */
export function elements(html: string): ParsedElement[] {
  const out: ParsedElement[] = [];
  const walk = (node: Node) => {
    if (node.tagName !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of node.attrs ?? []) attrs[a.name] = a.value;
      out.push({ tag: node.tagName, attrs, names: (node.attrs ?? []).map((a) => a.name) });
    }
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(parseFragment(html) as unknown as Node);
  return out;
}

/** The value a browser reads from attribute `name` of the only `tag` element in `html`. */
export function attribute(html: string, tag: string, name: string): string | undefined {
  const found = elements(html).filter((e) => e.tag === tag);
  if (found.length !== 1) throw new Error(`expected one <${tag}> in ${JSON.stringify(html)}, found ${found.length}`);
  return found[0]!.attrs[name];
}

/** A Subresource Integrity value computed independently of the package. */
export function sri(contents: string | Buffer, algorithm = "sha384"): string {
  return `${algorithm}-${createHash(algorithm).update(contents).digest("base64")}`;
}

/**
 * Inputs that would break out of an HTML attribute if written unescaped: quotes, `<`, `>`,
 * and text that looks like a character reference.
 */
export const HOSTILE_QUERIES = [
  `a="><script>alert(1)</script>`,
  `a='><img src=x onerror=alert(1)>`,
  `a=1&amp;b=<b>&quot;`,
  `a=&lt;"/><a href="x`,
];

/** Runs a Node script from the repository root; `cache-id` resolves to the built package. */
export function node(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, args, {
    cwd: REPO,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, ...env },
  });
  return { ...run, stdout: run.stdout.trim() };
}
