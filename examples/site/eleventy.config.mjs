// The example site of cache-id: `npm run demo` builds a copy of it.
// `cache-id/eleventy` resolves to this repository's build (dist/) through the package's
// self-reference; in your own project it comes from node_modules after `npm install cache-id`.
import cacheBust from "cache-id/eleventy";

const mode = process.env.CACHE_BUST_MODE ?? "query";
if (mode !== "query" && mode !== "path") {
  throw new Error(`CACHE_BUST_MODE must be "query" or "path", got ${JSON.stringify(mode)}`);
}

export default function (eleventyConfig) {
  eleventyConfig.addPassthroughCopy("src/css");
  eleventyConfig.addPassthroughCopy("src/img");
  // Liquid pages of this site write `<< url | cache_bust >>`. This applies to every Liquid
  // template of the build, other plugins' included: theirs must use << >> too.
  eleventyConfig.setLiquidOptions({ outputDelimiterLeft: "<<", outputDelimiterRight: ">>" });
  eleventyConfig.addPlugin(cacheBust, { mode });
}

export const config = {
  dir: { input: "src", output: "_site" },
};
