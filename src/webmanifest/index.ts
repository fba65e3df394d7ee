import { isCacheBustError, type CacheBustError } from "../core/errors.js";
import type { ContentTransformer } from "../core/types.js";
import { applyEdits, type Edit } from "../css/edits.js";
import { jsonStrings, type JsonString } from "./strings.js";

/** Options of {@link webManifestTransformer}. */
export interface WebManifestOptions {
  /** Which files are web app manifests (default: `*.webmanifest` and `manifest.json`). */
  test?: (urlPath: string, file: string) => boolean;
  /** Receives each image reference that cannot be busted; it is then left as written. Without it, the error is thrown. */
  onMissing?: (problem: { url: string; file: string; error: CacheBustError }) => void;
}

const IS_MANIFEST = /(\.webmanifest|\/manifest\.json)$/i;

/** Whether a string's path is an image of the manifest: `icons[].src`, `screenshots[].src`, `shortcuts[].icons[].src`. */
function isImage(s: JsonString): boolean {
  const p = s.path;
  if (p.length === 3) return (p[0] === "icons" || p[0] === "screenshots") && typeof p[1] === "number" && p[2] === "src";
  return (
    p.length === 5 &&
    p[0] === "shortcuts" &&
    typeof p[1] === "number" &&
    p[2] === "icons" &&
    typeof p[3] === "number" &&
    p[4] === "src"
  );
}

/**
 * A content transformer for web app manifests (`<link rel="manifest">`): busts the `src` of
 * its `icons`, `screenshots` and shortcut icons, resolved against the manifest's own URL, so
 * the manifest is hashed as its rewritten bytes (as stylesheets are). Every other byte stays
 * as written; a file that is not valid JSON is left alone.
 *
 * @example
 * createCacheBuster({ root: "public", transformers: [webManifestTransformer()] }).url("/site.webmanifest")
 */
export function webManifestTransformer(options: WebManifestOptions = {}): ContentTransformer {
  const test = options.test ?? ((urlPath: string) => IS_MANIFEST.test(urlPath));
  return {
    name: "webmanifest",
    test,
    transform(source, ctx) {
      try {
        JSON.parse(source);
      } catch {
        return undefined; // not JSON: nothing to read safely
      }
      const edits: Edit[] = [];
      for (const s of jsonStrings(source).filter(isImage)) {
        let busted: string;
        try {
          busted = ctx.bust(s.value, options.onMissing ? { missing: "error" } : undefined);
        } catch (error) {
          if (!options.onMissing || !isCacheBustError(error)) throw error;
          options.onMissing({ url: s.value, file: ctx.file, error });
          continue;
        }
        if (busted !== s.value) edits.push({ start: s.start, end: s.end, insert: JSON.stringify(busted) });
      }
      return edits.length === 0 ? undefined : applyEdits(source, edits);
    },
  };
}
