import { defineConfig } from "tsup";

// One build, two formats: `.js`/`.d.ts` for `import`, `.cjs`/`.d.cts` for `require`.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    nunjucks: "adapters/nunjucks.ts",
    handlebars: "adapters/handlebars.ts",
    liquid: "adapters/liquid.ts",
    eleventy: "adapters/eleventy.ts",
    css: "src/css/index.ts",
    js: "src/js/index.ts",
    cli: "src/cli/index.ts",
    serve: "src/serve/index.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  // Not cleaned: several builds may run side by side while tests read dist/. `npm pack`
  // (prepack) removes dist/ first, so chunks left by earlier builds never ship.
  clean: false,
  target: "node20",
  platform: "node",
  removeNodeProtocol: false,
  splitting: true,
  // `import.meta.url` (src/css/references.ts) in the CommonJS files.
  shims: true,
  sourcemap: false,
  // Engines are peer dependencies: never bundle them.
  external: [
    "nunjucks",
    "handlebars",
    "liquidjs",
    "@11ty/eleventy",
    "postcss-value-parser",
    "parse5",
    "es-module-lexer",
    "@jridgewell/trace-mapping",
    "@jridgewell/sourcemap-codec",
    "send",
    "negotiator",
    "fresh",
    "mime-types",
  ],
});
