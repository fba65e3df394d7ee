// The example app: Express, Nunjucks views and the cache-id handler over one buster.
import http from "node:http";
import { fileURLToPath } from "node:url";
import express from "express";
import nunjucks from "nunjucks";
import { createCacheBuster } from "cache-id";
import { registerNunjucks } from "cache-id/nunjucks";
import { serveAssets } from "cache-id/serve";

/** The example's own asset directory. */
export const PUBLIC_DIR = fileURLToPath(new URL("./public/", import.meta.url));
const VIEWS_DIR = fileURLToPath(new URL("./views/", import.meta.url));

/**
 * The app. `publicDir` is what it serves; `assets: "static"` swaps the handler for
 * `express.static` with a year of immutable caching (the control of the end-to-end test).
 * @param {{ publicDir?: string, mode?: "query" | "path", assets?: "cache-id" | "static", instance?: string, bustOptions?: object, serveOptions?: object }} [options]
 */
export function createApp(options = {}) {
  const { publicDir = PUBLIC_DIR, mode = "query", assets = "cache-id", instance = "app" } = options;
  // "watch": a render makes no system call for an unchanged file; an edit is seen within 100 ms.
  const buster = createCacheBuster({ root: publicDir, mode, validate: "watch", ...options.bustOptions });
  const app = express();
  // Which instance answered: the end-to-end test of a rolling deploy reads it.
  app.use((_req, res, next) => {
    res.set("X-Instance", instance);
    next();
  });
  registerNunjucks(nunjucks.configure(VIEWS_DIR, { express: app, autoescape: true, noCache: false }), buster);
  if (assets === "static") app.use(express.static(publicDir, { immutable: true, maxAge: "1y" }));
  else app.use(serveAssets(buster, options.serveOptions));
  app.get("/", (_req, res) => {
    res.set("Cache-Control", "no-cache");
    res.render("index.njk", { instance });
  });
  return { app, buster };
}

/**
 * Starts the app on 127.0.0.1 (port 0: any free port); resolves with its URL and a `close()`.
 * @param {Parameters<typeof createApp>[0] & { port?: number }} [options]
 */
export async function startApp(options = {}) {
  const { app, buster } = createApp(options);
  const server = http.createServer(app);
  await new Promise((ok) => server.listen(options.port ?? 0, "127.0.0.1", ok));
  const port = server.address().port;
  const url = `http://127.0.0.1:${port}/`;
  const close = () => {
    buster.close();
    return new Promise((ok) => (server.closeAllConnections(), server.close(ok)));
  };
  return { url, port, buster, server, close };
}
