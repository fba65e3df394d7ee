import type * as fs from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { basename, dirname, join } from "node:path";
import {
  fingerprintName,
  isCacheBustError,
  setQueryParam,
  unfingerprintName,
  type BustedFile,
  type CacheBuster,
} from "../index.js";
import { createConfinement } from "./confine.js";
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from "./options.js";
import { freshness, statusForCode, type Freshness } from "./policy.js";
import { createSiblings } from "./precompressed.js";
import { hasDotSegment, parseAssetRequest, type AssetRequest } from "./request.js";
import { contentType, respondStatus, sendBytes, sendFile, type Headers } from "./respond.js";
import { createFileHasher } from "./filehash.js";
import { createVersions } from "./versions.js";

/** A Connect-style handler: `(req, res, next?)`. */
export type AssetHandler = ((req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void) & {
  /** Answers the request if it names an asset (resolves `true`); otherwise writes nothing and resolves the status it would give. */
  handle(req: IncomingMessage, res: ServerResponse, claim?: () => void): Promise<number | true>;
};

/** What the handler found to send for a request: `hash` is that of the bytes, `requested` the URL's. */
type Plan =
  | { kind: "file"; found: BustedFile; file: string; hash: string; requested: string | undefined }
  | { kind: "bytes"; found: BustedFile; bytes: Buffer; hash: string; requested: string | undefined }
  | { kind: "redirect"; location: string };

/** The core options the handler reads. */
type CoreOptions = CacheBuster["options"];

/**
 * A static-file handler for a buster's roots, sharing its cache with the views: immutable
 * caching only for a URL whose hash matches the bytes sent, revalidation for a URL without one,
 * and never a cached answer for a hash that matches nothing it has.
 *
 * @example
 * const buster = createCacheBuster({ root: "public" });
 * app.use(serveAssets(buster)); // Express; http.createServer(serveAssets(buster)) works too
 */
export function serveAssets(buster: CacheBuster, options?: ServeOptions): AssetHandler {
  const opts = resolveServeOptions(options);
  const core = buster.options as CoreOptions;
  const confinement = core.allowLinksOutside ? undefined : createConfinement(core.roots);
  const siblings = createSiblings(opts.precompressed, core.algorithm, core.length);
  const versions = opts.versions && createVersions(opts.versions, core.algorithm, core.length);
  const copies = createFileHasher(core.algorithm, core.length);
  const prefixes = opts.prefixes ?? core.roots.map((r) => r.prefix);
  const ctx: Context = { buster, opts, core, confinement, siblings, versions, copies, prefixes };

  async function handle(req: IncomingMessage, res: ServerResponse, claim?: () => void): Promise<number | true> {
    let plan: Plan | number;
    try {
      plan = await planFor(ctx, req);
    } catch (error) {
      plan = statusOf(ctx, error);
    }
    if (typeof plan === "number") return plan;
    claim?.();
    respond(ctx, req, res, plan);
    return true;
  }

  const handler = ((req, res, next) => {
    handle(req, res).then(
      (outcome) => {
        if (outcome === true) return;
        if (next && (outcome === 404 || outcome === 405)) next();
        else respondStatus(res, outcome, outcome === 405 ? { Allow: "GET, HEAD" } : {});
      },
      (error) => {
        opts.onError(error);
        respondStatus(res, 503);
      },
    );
  }) as AssetHandler;
  handler.handle = handle;
  return handler;
}

interface Context {
  buster: CacheBuster;
  opts: ResolvedServeOptions;
  core: CoreOptions;
  confinement: ReturnType<typeof createConfinement> | undefined;
  siblings: ReturnType<typeof createSiblings>;
  versions: ReturnType<typeof createVersions> | undefined;
  copies: ReturnType<typeof createFileHasher>;
  /** The URL prefixes served. */
  prefixes: string[];
}

/** The status of a request the handler does not answer with a file. */
function statusOf(ctx: Context, error: unknown): number {
  const code = isCacheBustError(error) ? error.code : undefined;
  const status = statusForCode(code);
  if (status === 503) ctx.opts.onError(error);
  return status;
}

/** What to send for a request, or the status of a request that names no asset. */
async function planFor(ctx: Context, req: IncomingMessage): Promise<Plan | number> {
  if (req.method !== "GET" && req.method !== "HEAD") return 405;
  const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? "";
  const request = parseAssetRequest(target, ctx.core);
  if (!request) return 400;
  if (!ctx.prefixes.some((prefix) => request.urlPath.startsWith(prefix))) return 404;
  if (!ctx.opts.dotfiles && hasDotSegment(request.urlPath)) return 404;
  // Looked up by path alone: a query of the client's choosing must not grow the core's memo.
  const found = await ctx.buster.lookupAsync(request.path, { missing: "error" });
  if (!found) return 404;
  if (!ctx.opts.dotfiles && hasDotSegment(found.urlPath)) return 404;
  const { hash: requested } = request;
  if (requested !== undefined && requested !== found.hash) {
    const earlier = await earlierVersion(ctx, request, found);
    if (earlier) return earlier;
    // A redirect reads no file: it costs what a 404 costs.
    if (ctx.opts.mismatch === "redirect") return { kind: "redirect", location: currentUrl(ctx, request, found.hash) };
    const current = currentBytes(ctx, req, found);
    if (current) return { kind: "bytes", found, bytes: current, hash: found.hash, requested };
  }
  if (ctx.confinement && !(await ctx.confinement.allows(found.file))) return 404;
  return found.content
    ? { kind: "bytes", found, bytes: found.content, hash: found.hash, requested }
    : { kind: "file", found, file: found.file, hash: found.hash, requested };
}

/** Bytes that match a URL's older hash: kept in memory, or a fingerprinted copy on disk (path mode). */
async function earlierVersion(ctx: Context, request: AssetRequest, found: BustedFile): Promise<Plan | undefined> {
  const hash = request.hash as string;
  const bytes = ctx.versions?.get(found.urlPath, hash);
  if (bytes) return { kind: "bytes", found, bytes, hash, requested: hash };
  if (ctx.core.mode !== "path" || found.urlPath === request.urlPath) return undefined;
  // `/img/car.<old>.jpg` next to `car.jpg`: a copy an earlier build or deploy left there.
  const copy = join(dirname(found.file), basename(request.urlPath));
  if (ctx.confinement && !(await ctx.confinement.allows(copy))) return undefined;
  const copied = await ctx.copies.hash(copy);
  return copied?.hash === hash
    ? {
        kind: "file",
        found: { ...found, file: copy, size: copied.size, mtimeMs: copied.mtimeMs },
        file: copy,
        hash,
        requested: hash,
      }
    : undefined;
}

/**
 * The current bytes for a mismatched hash's uncached answer, when a confined read kept them in
 * memory: then the answer opens no file and costs no more than a 404. Bytes in memory are only
 * ever those of their hash, read inside the root, so no confinement check is needed. A Range
 * request goes to the file, whose answer honours it.
 */
function currentBytes(ctx: Context, req: IncomingMessage, found: BustedFile): Buffer | undefined {
  if (req.headers.range !== undefined) return undefined;
  return ctx.versions?.get(found.urlPath, found.hash);
}

/** The request's URL with the current hash in place of the one it carries, other parameters kept as written. */
function currentUrl(ctx: Context, request: AssetRequest, hash: string): string {
  if (ctx.core.mode === "query") return `${request.path}?${setQueryParam(request.query, ctx.core.param, hash)}`;
  const slash = request.path.lastIndexOf("/");
  const segment = request.path.slice(slash + 1);
  const plain = unfingerprintName(segment, ctx.core.length)?.name ?? segment;
  return request.path.slice(0, slash + 1) + fingerprintName(plain, hash);
}

const CACHE_CONTROL = (opts: ResolvedServeOptions, f: Freshness) =>
  f === "immutable" ? opts.immutable : f === "revalidate" ? opts.revalidate : "no-store";

/** The caching headers of bytes with hash `sent` for a URL promising `requested`. */
function cachingHeaders(
  ctx: Context,
  requested: string | undefined,
  sent: string,
  settled: boolean,
  tag = "",
): Headers {
  const f = freshness({ requested, sent, settled });
  const headers: Headers = { "Cache-Control": CACHE_CONTROL(ctx.opts, f) };
  // A validator only for bytes known to be the hash's: a changing file gets none.
  if (f !== "no-store") headers.ETag = `"${sent}${tag}"`;
  return headers;
}

/** Whether a file last changed long enough ago that a same-tick rewrite cannot hide behind its stat. */
function settled(ctx: Context, stat: fs.Stats): boolean {
  return Date.now() - Math.max(stat.mtimeMs, stat.ctimeMs) > ctx.core.trustAfterMs;
}

/** Writes the response a plan describes. */
function respond(ctx: Context, req: IncomingMessage, res: ServerResponse, plan: Plan): void {
  if (plan.kind === "redirect") {
    respondStatus(res, 307, { Location: plan.location });
    return;
  }
  const { requested } = plan;
  const type = contentType(plan.found.urlPath);
  if (plan.kind === "bytes") {
    sendBytes(req, res, plan.bytes, { "Content-Type": type, ...cachingHeaders(ctx, requested, plan.hash, true) });
    ctx.versions?.keepBytes(plan.found.urlPath, plan.hash, plan.bytes);
    return;
  }
  void respondFile(ctx, req, res, plan, requested, type);
}

async function respondFile(
  ctx: Context,
  req: IncomingMessage,
  res: ServerResponse,
  plan: Extract<Plan, { kind: "file" }>,
  requested: string | undefined,
  type: string,
): Promise<void> {
  const { found } = plan;
  const vary: Headers = ctx.opts.precompressed.length > 0 ? { Vary: "Accept-Encoding" } : {};
  const sibling = await ctx.siblings.find(req, plan.file, plan.hash, found.size ?? Infinity).catch(() => undefined);
  const allowed = sibling && (!ctx.confinement || (await ctx.confinement.allows(sibling.file)));
  const file = allowed ? sibling.file : plan.file;
  const expected = allowed
    ? { size: sibling.stat.size, mtimeMs: sibling.stat.mtimeMs }
    : { size: found.size, mtimeMs: found.mtimeMs };
  const encoding: Headers = allowed ? { "Content-Encoding": sibling.encoding } : {};
  const tag = allowed ? `-${sibling.encoding}` : "";
  sendFile(
    req,
    res,
    file,
    (stat) => {
      // Not the bytes that were hashed: send them, but promise nothing about them.
      const same = stat.size === expected.size && stat.mtimeMs === expected.mtimeMs;
      const fresh = same && settled(ctx, stat);
      // Bytes a hashed URL was answered with are worth keeping: for when the file changes, and
      // (as the current bytes) for the uncached answers to mismatched hashes.
      if (fresh && !allowed && requested !== undefined)
        ctx.versions?.keepFile(found.urlPath, plan.hash, plan.file, stat.size);
      return {
        "Content-Type": type,
        ...vary,
        ...encoding,
        ...cachingHeaders(ctx, requested, same ? plan.hash : "", fresh, tag),
      };
    },
    () => respondStatus(res, 404),
    (status, error) => {
      if (status >= 500) ctx.opts.onError(error);
      respondStatus(res, status >= 500 ? 503 : status, (error as { headers?: Headers }).headers);
    },
  );
}
