import { join } from "node:path";
import { CacheBustError, isCacheBustError } from "../core/errors.js";
import type { Edit } from "../css/edits.js";
import { lineLocator, type Position } from "../css/position.js";
import { basePath } from "../html/base.js";
import { htmlEdits } from "../html/rewrite.js";
import type { CliOptions } from "./args.js";
import { type Inserts, packEdits } from "./packed.js";
import { bustPageReference, type SiteLocation } from "./references.js";
import { onOrigin, urlPathOf } from "./site-urls.js";
import type { Problem, Summary } from "./summary.js";
import { readTextSync, type TextFile } from "./text.js";
import type { ReadScratch } from "../core/read.js";

/** A page to rewrite: the digest of the bytes it was planned from, and the edits. */
export interface PlannedPage {
  path: string;
  /** Only the digest is kept, not the text: a large site's pages need not fit in memory. */
  digest: string;
  /** Packed (`packed.ts`), their inserts in the plan's `inserts`. */
  edits: Uint32Array;
  /** How its bytes were read; `bytewise`: the edits' offsets are byte offsets too. */
  encoding: "utf8" | "latin1";
  bytewise: boolean;
  /** Planned, and kept, by a helper thread (`crew.ts`), which writes it too: its index there. */
  member?: number;
}

/** The code of an error reported as a problem; anything that is not one of ours is thrown on. */
export function codeOf(error: unknown): string {
  if (isCacheBustError(error)) return error.code;
  // By code, not class: a copy of the class from another build of the package is the same error.
  if (error instanceof Error && (error as { code?: unknown }).code === "CSS_SYNTAX") return "CSS_SYNTAX";
  throw error;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A problem record for an error at a place. */
export function problemOf(file: string, at: Position, url: string, error: unknown): Problem {
  return { file, line: at.line, column: at.column, url, code: codeOf(error), message: messageOf(error) };
}

/** How a page's references are answered: by the run's buster, or by asking the thread that holds it. */
export interface PageResolver {
  /** The busted URL of `url` seen from the URL path `from`; throws the buster's error. */
  bust: (url: string, from: string) => string;
  /** A fresh `integrity` value for `current`, or `undefined` to leave it. */
  integrity: (url: string, from: string, current: string) => string | undefined;
}

/** An answer of the buster, as it crosses between threads: the URL, or the error's parts. */
export type Answer = { url: string } | { error: { code: string; message: string; file: string | undefined } };

/** `resolver.bust`'s outcome as an {@link Answer}; an error that is not one of ours is thrown on. */
export function answerOf(bust: PageResolver["bust"], url: string, from: string): Answer {
  try {
    return { url: bust(url, from) };
  } catch (error) {
    const code = codeOf(error);
    return { error: { code, message: messageOf(error), file: (error as { file?: string }).file } };
  }
}

/** The URL of an {@link Answer}, or its error thrown again as a `CacheBustError`. */
export function fromAnswer(answer: Answer): string {
  if ("url" in answer) return answer.url;
  const { code, message, file } = answer.error;
  throw new CacheBustError(code as CacheBustError["code"], message, file === undefined ? {} : { file });
}

/** What planning a page needs: where, how references are answered, and where findings go. */
export interface PageContext {
  dir: string;
  options: CliOptions;
  site: SiteLocation;
  /** Counts and warnings go here. */
  summary: Summary;
  record: (p: Problem) => void;
  resolver: PageResolver;
  inserts: Inserts;
  /** The buffer this thread reads pages into, reused from page to page. */
  scratch: ReadScratch;
  /** `--js importmap`: the edit that gives the page its import map. */
  pageEdit?: ((text: string, pageUrl: string) => Edit | undefined) | undefined;
}

/** Reads a page and plans its edits; `undefined` when it has nothing to change. */
export function planPage(path: string, pc: PageContext): PlannedPage | undefined {
  // Read synchronously: a batch run gains nothing from thread-pool round trips (which cost
  // most of the run's time on a busy machine) and the text is dropped once planned.
  const file = readTextSync(join(pc.dir, path), pc.scratch);
  const edits = pageEdits(path, file, pc);
  const mapEdit = pc.pageEdit?.(file.text, urlPathOf(path, pc.options.base));
  if (mapEdit) edits.push(mapEdit);
  if (edits.length === 0) return undefined;
  const { digest, encoding, bytewise } = file;
  return { path, digest, edits: packEdits(edits, pc.inserts), encoding, bytewise };
}

/** The edits of one page. */
function pageEdits(path: string, file: TextFile, pc: PageContext): Edit[] {
  const pageUrl = urlPathOf(path, pc.options.base);
  const { site, summary, resolver, record } = pc;
  let locate: ((offset: number) => Position) | undefined;
  const at = (offset: number) => (locate ??= lineLocator(file.text))(offset);
  return htmlEdits(file.text, {
    bustFor: (href) => {
      const from = basePath(pageUrl, href, site.origin);
      return (url, offset) =>
        from === null
          ? undefined
          : bustPageReference(resolver.bust, site, summary, url, from, (error) =>
              record(problemOf(path, at(offset), url, error)),
            );
    },
    integrityFor: (href) => {
      const from = basePath(pageUrl, href, site.origin);
      return from === null
        ? undefined
        : (url, current) => resolver.integrity(onOrigin(url, site.origin)?.rest ?? url, from, current);
    },
    onUnreadableValue: (offset) => {
      const { line, column } = at(offset);
      summary.warnings.push(
        `${path}:${line}:${column}: attribute left as written (a character reference this tool cannot map back)`,
      );
    },
    onCssError: (error, offset) => record(problemOf(path, at(offset), "<style>", error)),
  });
}
