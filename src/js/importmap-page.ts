import { type Edit, applyEdits } from "../css/edits.js";
import type { ImportMap, ModuleGraph, UrlBuster } from "./importmap.js";
import { pageModules } from "./page.js";

// The page side of import maps, apart from the module graph: it reads HTML (parse5), which an
// integration loads only once a page needs it.

/**
 * The import map a page needs: every local module its module scripts can reach, mapped to its
 * busted URL. The buster must have `graph.transformer` among its transformers.
 *
 * @example
 * importMapFor(html, buster, graph, "/blog/post/") // { imports: { "/js/util.js": "/js/util.js?v=<hash>" } }
 */
export function importMapFor(html: string, buster: UrlBuster, graph: ModuleGraph, pageUrl = "/"): ImportMap {
  const page = pageModules(html);
  return graph.importMap(buster, page.sources, page.inline, pageUrl);
}

/** JSON that cannot end the script element it is in (`</script>`, `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value, null, 0).replace(/</g, "\\u003c");
}

/**
 * The edit that gives a page its import map: a `<script type="importmap">` inserted before
 * the first module script, or the page's own import map completed (its entries win).
 * `undefined` for a page without module scripts, or whose modules import nothing local.
 *
 * @example
 * importMapEdit('<script type="module" src="/js/app.js"></script>', buster, graph)
 * // { start: 0, end: 0, insert: '<script type="importmap">{"imports":{…}}</script>' }
 */
export function importMapEdit(html: string, buster: UrlBuster, graph: ModuleGraph, pageUrl = "/"): Edit | undefined {
  const page = pageModules(html);
  if (page.firstModuleAt === undefined) return undefined;
  const { imports } = graph.importMap(buster, page.sources, page.inline, pageUrl);
  if (Object.keys(imports).length === 0) return undefined;
  if (page.importMap) {
    let own: { imports?: Record<string, string> } & Record<string, unknown>;
    try {
      own = JSON.parse(page.importMap.text);
    } catch {
      return undefined; // the browser rejects it too; not ours to guess what it meant
    }
    const merged = { ...own, imports: { ...imports, ...(own.imports ?? {}) } };
    return { start: page.importMap.start, end: page.importMap.end, insert: scriptJson(merged) };
  }
  const at = page.firstModuleAt;
  return { start: at, end: at, insert: `<script type="importmap">${scriptJson({ imports })}</script>` };
}

/**
 * The page with its import map (see {@link importMapEdit}); unchanged when it needs none.
 *
 * @example
 * insertImportMap('<script type="module" src="/js/app.js"></script>', buster, graph)
 * // '<script type="importmap">{"imports":{…}}</script><script type="module" src="/js/app.js"></script>'
 */
export function insertImportMap(html: string, buster: UrlBuster, graph: ModuleGraph, pageUrl = "/"): string {
  const edit = importMapEdit(html, buster, graph, pageUrl);
  return edit ? applyEdits(html, [edit]) : html;
}
