// cache-id/js: JavaScript modules, busted by rewriting their imports or by an import map.
export { jsTransformer } from "./transformer.js";
export type { JsReferenceProblem, JsTransformerOptions } from "./transformer.js";
export { findModuleReferences, isLocalSpecifier } from "./references.js";
export type { JsReference } from "./references.js";
export { moduleEdits } from "./rewrite.js";
export { JsSyntaxError } from "./syntax-error.js";
export { moduleGraph } from "./importmap.js";
export { importMapEdit, importMapFor, insertImportMap } from "./importmap-page.js";
export type { ImportMap, ModuleGraph, UrlBuster } from "./importmap.js";
export { jsSupport } from "./plugin.js";
export type { JsOption, JsSupport } from "./plugin.js";
export type { SourceMapWarning, OnSourceMapWarning } from "../sourcemap/index.js";
