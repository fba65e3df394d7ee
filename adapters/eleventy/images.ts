import { joinUrl, splitUrl, unfingerprintName, type ResolvedOptions } from "../../src/index.js";

/** The part of a posthtml tree node this module reads and writes. */
interface ImgNode {
  attrs?: Record<string, string | undefined>;
}

/** The part of a posthtml tree this module uses. */
interface Tree {
  match(pattern: { tag: string }, visit: (node: ImgNode) => ImgNode): void;
}

const HEX = /^[0-9a-f]+$/;

/**
 * The URL as written before `cache_bust`: without the `param=<hash>` this package adds in
 * `"query"` mode, or the `.<hash>` fingerprint in `"path"` mode. Other URLs come back as given.
 *
 * @example
 * plainUrl("/img/logo.png?v=3f2a9c1b0d", { mode: "query", param: "v", length: 10 }) // "/img/logo.png"
 */
export function plainUrl(url: string, options: Pick<ResolvedOptions, "mode" | "param" | "length">): string {
  const parts = splitUrl(url);
  if (!parts) return url;
  if (options.mode === "path") {
    const slash = parts.path.lastIndexOf("/") + 1;
    const plain = unfingerprintName(parts.path.slice(slash), options.length);
    return plain ? joinUrl({ ...parts, path: parts.path.slice(0, slash) + plain.name }) : url;
  }
  if (parts.query === undefined) return url;
  const kept = parts.query.split("&").filter((pair) => {
    const [key, value = ""] = pair.split("=");
    return !(key === options.param && value.length === options.length && HEX.test(value));
  });
  return joinUrl({ ...parts, query: kept.length > 0 ? kept.join("&") : undefined });
}

/**
 * A posthtml plugin for Eleventy's HTML transformer that gives `@11ty/eleventy-img`'s
 * transform the plain URL of every `<img>` it will process: it reads `src` as a file path,
 * and it gives the images it makes content-hashed names of its own. It runs before that
 * transform (priority above its -1).
 */
export function plainImageSources(options: () => Pick<ResolvedOptions, "mode" | "param" | "length"> | undefined) {
  return () => (tree: Tree) => {
    const busting = options();
    if (!busting) return tree;
    tree.match({ tag: "img" }, (node) => {
      const src = node.attrs?.src;
      // The images eleventy-img leaves alone keep their busted URL.
      if (node.attrs && typeof src === "string" && !("eleventy:ignore" in node.attrs) && !src.startsWith("data:"))
        node.attrs.src = plainUrl(src, busting);
      return node;
    });
    return tree;
  };
}
