import type { IncomingMessage, ServerResponse } from "node:http";

/** Rewritten file contents by URL path, as the last build left them. */
export type RewrittenFiles = ReadonlyMap<string, Buffer>;

/**
 * A middleware for Eleventy's dev server that answers a rewritten stylesheet's URL with the
 * rewritten text. Under `--serve` with `setServerPassthroughCopyBehavior("passthrough")` the
 * server would otherwise send the source file, whose own references are not busted.
 * `files` is read at each request, so it always reflects the latest build.
 */
export function rewrittenFilesMiddleware(files: () => RewrittenFiles, pathPrefix: () => string) {
  return function cacheBustRewritten(req: IncomingMessage, res: ServerResponse, next: () => unknown): unknown {
    const known = files();
    if (known.size === 0 || (req.method !== "GET" && req.method !== "HEAD")) return next();
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      return next();
    }
    const prefix = pathPrefix();
    if (prefix !== "/" && path.startsWith(prefix)) path = `/${path.slice(prefix.length)}`;
    const content = known.get(path);
    if (!content) return next();
    res.setHeader("Content-Type", path.endsWith(".css") ? "text/css; charset=utf-8" : "application/octet-stream");
    res.setHeader("Content-Length", content.length);
    res.end(req.method === "HEAD" ? undefined : content);
    return undefined;
  };
}
