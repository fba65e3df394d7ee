// The origin of the end-to-end test: a static file server for a built site, with the cache
// headers a site that uses cache-id would send. Assets may be cached for a year (their
// URLs change when their bytes do); HTML must be revalidated on every visit.
import http from "node:http";
import fs from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".json": "application/json",
};

/** The Cache-Control header the origin sends for a file. */
export function cacheControlFor(file) {
  return file.endsWith(".html") ? "no-cache" : "public, max-age=31536000, immutable";
}

/** Maps a request path to a file under `root`, or `undefined` when it is not a plain one. */
function fileFor(root, requestUrl) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(requestUrl, "http://origin.invalid").pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes("\0")) return undefined;
  const file = path.join(root, pathname.endsWith("/") ? `${pathname}index.html` : pathname);
  return file.startsWith(root + path.sep) ? file : undefined;
}

async function respond(root, request, response) {
  const send = (status, headers, body) => {
    response.writeHead(status, headers);
    response.end(request.method === "HEAD" ? undefined : body);
  };
  if (request.method !== "GET" && request.method !== "HEAD") {
    return send(405, { Allow: "GET, HEAD", "Cache-Control": "no-store" }, "");
  }
  const file = fileFor(root, request.url);
  // Read at request time, so a rebuild is visible to the next request that reaches us.
  const body = file ? await fs.readFile(file).catch(() => undefined) : undefined;
  if (body === undefined) {
    // Never cached anywhere: a file that appears later must be served then.
    return send(404, { "Content-Type": "text/plain", "Cache-Control": "no-store" }, "not found\n");
  }
  send(
    200,
    {
      "Content-Type": TYPES[path.extname(file)] ?? "application/octet-stream",
      "Content-Length": body.length,
      "Cache-Control": cacheControlFor(file),
    },
    body,
  );
}

/**
 * Serves the files under `root` on 127.0.0.1 (a free port). Resolves to
 * `{ port, url, close() }` once listening.
 * @example const origin = await startOrigin("site/_site"); await fetch(`${origin.url}/`);
 */
export function startOrigin(root) {
  const dir = path.resolve(root);
  const server = http.createServer((request, response) => {
    respond(dir, request, response).catch((error) => {
      response.destroy(error);
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
