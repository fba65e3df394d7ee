export { createCacheBuster, isCacheBuster, CACHE_BUSTER } from "./buster.js";
export { CacheBustError, isCacheBustError } from "./errors.js";
export type { CacheBustErrorCode } from "./errors.js";
export { toCacheBuster } from "./share.js";
export { fingerprintName, unfingerprintName } from "./fingerprint.js";
export { splitUrl, joinUrl, resolveUrlPath, baseDirectory, setQueryParam, isRootRelative } from "./url.js";
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
} from "./types.js";
export { buildManifest, formatManifest, writeManifest } from "./manifest.js";
export type { Manifest, ManifestEntry } from "./manifest.js";
