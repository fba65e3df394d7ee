import * as fs from "node:fs";
import { READ_FLAGS } from "./nonblocking.js";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname } from "node:path";
import fresh from "fresh";
import mime from "mime-types";
import send from "send";

/** Headers of a response, set before its body. */
export type Headers = Record<string, string>;

/** What `send` is given for every file: the handler sets caching and validators itself. */
const SEND_OPTIONS = {
  etag: false,
  lastModified: false,
  cacheControl: false,
  dotfiles: "allow" as const,
  index: false as const,
  // Passed on to `fs.createReadStream`: a FIFO swapped in after the stat must not block a thread.
  flags: READ_FLAGS,
};

/** The Content-Type of a file name, by extension. */
export function contentType(file: string): string {
  return mime.contentType(extname(file)) || "application/octet-stream";
}

/** `send` reads `%` escapes in the path it is given; a file name's own `%` must survive that. */
function forSend(file: string): string {
  return file.replace(/%/g, "%25");
}

/** Writes a short plain-text answer that no cache keeps. */
export function respondStatus(res: ServerResponse, status: number, extra: Headers = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${status}\n`;
  res.statusCode = status;
  for (const name of res.getHeaderNames()) res.removeHeader(name);
  res.setHeader("Content-Type", "text/plain; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  res.end(res.req?.method === "HEAD" ? undefined : body);
}

/**
 * Streams a file with `send` (HEAD, Range, If-Match, If-None-Match against the ETag set here).
 * `check` sees the file's stat before any header goes out and returns the headers to send, or
 * `undefined` when the file is not what was looked up (then `onRefused` answers instead).
 */
export function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  check: (stat: fs.Stats) => Headers | undefined,
  onRefused: () => void,
  onError: (status: number, error: unknown) => void,
): void {
  const stream = send(req, forSend(file), SEND_OPTIONS);
  // `send` has no hook that may stop a response after its stat: take that step over here.
  const original = (stream as unknown as { send(path: string, stat: fs.Stats): void }).send;
  (stream as unknown as { send(path: string, stat: fs.Stats): void }).send = function (path, stat) {
    const headers = stat.isFile() ? check(stat) : undefined;
    if (!headers) return onRefused();
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    original.call(this, path, stat);
  };
  stream.on("directory", () => onRefused());
  stream.on("error", (error: { status?: number }) => onError(error.status ?? 503, error));
  stream.pipe(res);
}

/** Sends bytes held in memory (a rewritten stylesheet, an earlier version), with HEAD and If-None-Match. */
export function sendBytes(req: IncomingMessage, res: ServerResponse, bytes: Buffer, headers: Headers): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (headers.ETag && fresh(req.headers, { etag: headers.ETag })) {
    res.statusCode = 304;
    res.removeHeader("Content-Type");
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader("Content-Length", bytes.length);
  res.end(req.method === "HEAD" ? undefined : bytes);
}
