export { serveAssets } from "./handler.js";
export type { AssetHandler } from "./handler.js";
export { fastifyAssets } from "./fastify.js";
export type { FastifyAssetsOptions } from "./fastify.js";
export { viewHelpers } from "./views.js";
export type { MismatchPolicy, ServeOptions } from "./options.js";
