export { createCacheBuster, isCacheBuster, CACHE_BUSTER } from "./core/buster.js";
export { CacheBustError, isCacheBustError } from "./core/errors.js";
export type { CacheBustErrorCode } from "./core/errors.js";
export { toCacheBuster } from "./core/share.js";
export { fingerprintName, unfingerprintName } from "./core/fingerprint.js";
export { splitUrl, joinUrl, resolveUrlPath, baseDirectory, setQueryParam, isRootRelative } from "./core/url.js";
export type {
  BustMode,
  BustedFile,
  CacheBuster,
  CacheBustOptions,
  CacheBustStats,
  CallOptions,
  ContentTransformer,
  MissingPolicy,
  ResolvedOptions,
  TransformContext,
  ValidateMode,
  WatchOptions,
} from "./core/types.js";
export { buildManifest, formatManifest, writeManifest } from "./core/manifest.js";
export { writeInside, writeInsideSync } from "./core/gate.js";
export type { GateOptions } from "./core/gate.js";
export type { Manifest, ManifestEntry } from "./core/manifest.js";
