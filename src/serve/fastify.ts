import type { IncomingMessage, ServerResponse } from "node:http";
import type { CacheBuster } from "../index.js";
import { serveAssets } from "./handler.js";
import type { ServeOptions } from "./options.js";
import { respondStatus } from "./respond.js";

/** Options of {@link fastifyAssets}: the buster to serve, and the handler's options. */
export interface FastifyAssetsOptions extends ServeOptions {
  buster: CacheBuster;
}

/** The parts of Fastify the plugin uses, so that the package needs no Fastify types. */
interface FastifyLike {
  addHook(
    name: "onRequest",
    hook: (request: { raw: IncomingMessage }, reply: { raw: ServerResponse; hijack(): void }, done: () => void) => void,
  ): unknown;
}

/**
 * A Fastify plugin serving a buster's roots before routing: a request naming an asset is
 * answered by the handler; anything else goes on to Fastify's routes (and its 404).
 *
 * @example
 * await fastify.register(fastifyAssets, { buster });
 */
export function fastifyAssets(
  fastify: FastifyLike,
  options: FastifyAssetsOptions,
  done: (error?: Error) => void,
): void {
  const { buster, ...serveOptions } = options;
  let handler: ReturnType<typeof serveAssets>;
  try {
    handler = serveAssets(buster, serveOptions);
  } catch (error) {
    done(error as Error);
    return;
  }
  fastify.addHook("onRequest", (request, reply, next) => {
    handler
      .handle(request.raw, reply.raw, () => reply.hijack())
      .then(
        (outcome) => {
          if (outcome === true) return;
          if (outcome === 404 || outcome === 405) return next();
          reply.hijack();
          respondStatus(reply.raw, outcome);
        },
        () => next(),
      );
  });
  done();
}
// Registered in the caller's scope (what `fastify-plugin` marks), so the hook sees every route.
(fastifyAssets as unknown as Record<symbol, boolean>)[Symbol.for("skip-override")] = true;
