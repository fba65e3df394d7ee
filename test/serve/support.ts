import * as fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import Fastify from "fastify";
import { afterEach } from "vitest";
export { sha, site, write } from "../core/fixtures.js";
import type { CacheBuster } from "../../src/index.js";
import { fastifyAssets, serveAssets, type ServeOptions } from "../../src/serve/index.js";

const closers: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A running server on 127.0.0.1, closed after the test. */
export interface Running {
  port: number;
  base: string;
}

async function listen(server: http.Server): Promise<Running> {
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  closers.push(() => new Promise((ok) => (server.closeAllConnections(), server.close(ok))));
  const { port } = server.address() as AddressInfo;
  return { port, base: `http://127.0.0.1:${port}` };
}

/** The handler alone on `node:http`: a miss is its own 404. */
export function startHttp(buster: CacheBuster, options?: ServeOptions): Promise<Running> {
  return listen(http.createServer(serveAssets(buster, options)));
}

/** Express with the handler first and one route after it (`/app-route`), to show what falls through. */
export function startExpress(
  buster: CacheBuster,
  options?: ServeOptions,
  setup?: (app: express.Express) => void,
): Promise<Running> {
  const app = express();
  setup?.(app);
  app.use(serveAssets(buster, options));
  app.get("/app-route", (_req, res) => void res.send("route"));
  return listen(http.createServer(app));
}

/** Fastify with the plugin and one route (`/app-route`). */
export async function startFastify(
  buster: CacheBuster,
  options?: ServeOptions,
  setup?: (app: ReturnType<typeof Fastify>) => Promise<void>,
): Promise<Running> {
  const app = Fastify();
  await setup?.(app);
  await app.register(fastifyAssets, { buster, ...options });
  app.get("/app-route", async () => "route");
  await app.listen({ port: 0, host: "127.0.0.1" });
  closers.push(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  return { port, base: `http://127.0.0.1:${port}` };
}

/** The servers every header test runs against. */
export const SERVERS = [
  { name: "node:http", start: startHttp },
  { name: "Express", start: startExpress },
  { name: "Fastify", start: startFastify },
] as const;

/** A response, read whole. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends one request with the path exactly as given (no client-side normalising of `..`,
 * `%2e` or `\`), bounded in time.
 */
export function request(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = "GET",
): Promise<Reply> {
  return new Promise((ok, fail) => {
    const req = http.request({ host: "127.0.0.1", port, path, method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", fail);
    });
    req.setTimeout(10_000, () => req.destroy(new Error(`request ${path} timed out`)));
    req.on("error", fail);
    req.end();
  });
}

/** The `Cache-Control` a freshly hashed, settled URL gets. */
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** Waits until files' last change is more than `ms` in the past (so a buster with `trustAfterMs: ms` trusts them). */
export async function settle(files: string[], ms = 5): Promise<void> {
  const latest = Math.max(...files.map((f) => Math.max(fs.statSync(f).mtimeMs, fs.statSync(f).ctimeMs)));
  while (Date.now() <= latest + ms + 1) await new Promise((r) => setTimeout(r, 2));
}
