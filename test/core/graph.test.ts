import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { cssTransformer } from "../../src/css/index.js";
import { settle, site } from "./fixtures.js";

/** Layers of stylesheets, each one importing every stylesheet of the next layer. */
function layeredStylesheets(layers: number, width: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let l = 0; l < layers; l++) {
    for (let w = 0; w < width; w++) {
      const imports =
        l + 1 < layers ? Array.from({ length: width }, (_, i) => `@import "l${l + 1}-${i}.css";`).join("\n") : "";
      files[`l${l}-${w}.css`] = `${imports}\n.l${l}-${w}{color:red}\n`;
    }
  }
  return files;
}

describe("a graph of stylesheets that share their imports", () => {
  it("is re-validated with one stat per file, not one per path through the graph", async () => {
    // 8 layers of 4: 32 files, but 4^7 = 16,384 paths from the top to one leaf.
    const files = layeredStylesheets(8, 4);
    const root = site(files);
    const buster = createCacheBuster({ root, trustAfterMs: 0, transformers: [cssTransformer()] });
    await settle(Object.keys(files).map((f) => `${root}/${f}`));
    const first = buster.hash("/l0-0.css");
    const before = buster.stats().stats;
    expect(buster.hash("/l0-0.css")).toBe(first);
    expect(buster.stats().stats - before).toBeLessThanOrEqual(Object.keys(files).length);
  });

  it("is re-validated with one stat per file by hashAsync too", async () => {
    const files = layeredStylesheets(8, 4);
    const root = site(files);
    const buster = createCacheBuster({ root, trustAfterMs: 0, transformers: [cssTransformer()] });
    await settle(Object.keys(files).map((f) => `${root}/${f}`));
    const first = await buster.hashAsync("/l0-0.css");
    const before = buster.stats().stats;
    expect(await buster.hashAsync("/l0-0.css")).toBe(first);
    expect(buster.stats().stats - before).toBeLessThanOrEqual(Object.keys(files).length);
  });
});
