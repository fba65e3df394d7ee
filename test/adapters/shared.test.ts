import * as fs from "node:fs";
import { join } from "node:path";
import Handlebars from "handlebars";
import { Liquid } from "liquidjs";
import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { registerHandlebars } from "../../adapters/handlebars.js";
import { registerLiquid } from "../../adapters/liquid.js";
import { registerNunjucks } from "../../adapters/nunjucks.js";
import { createCacheBuster } from "../../src/index.js";
import { REPO, node, sha, site } from "./support.js";

const CAR = "car-bytes";
const ADAPTERS = ["nunjucks", "handlebars", "liquid"];
const ENGINES = ["nunjucks", "handlebars", "liquidjs"];

describe("one CacheBuster shared by the three adapters", () => {
  it("gives the same URL in Nunjucks, Handlebars and Liquid, hashing the file once", () => {
    const root = site({ "img/car.jpg": CAR });
    const buster = createCacheBuster({ root, validate: "once" });
    const env = new nunjucks.Environment();
    const hb = Handlebars.create();
    const liquid = new Liquid();
    expect([registerNunjucks(env, buster), registerHandlebars(hb, buster), registerLiquid(liquid, buster)]).toEqual([
      buster,
      buster,
      buster,
    ]);
    const urls = [
      env.renderString(`{{ "/img/car.jpg" | cache_bust }}`, {}),
      hb.compile(`{{cache_bust "/img/car.jpg"}}`)({}),
      liquid.parseAndRenderSync(`{{ "/img/car.jpg" | cache_bust }}`),
    ];
    expect(urls).toEqual(Array(3).fill(`/img/car.jpg?v=${sha(CAR)}`));
    expect(buster.stats().hashed).toBe(1);
  });
});

describe("the built adapters", () => {
  it("share a buster made by the ESM build when loaded through require", () => {
    const root = site({ "img/car.jpg": CAR });
    const script = `
      import { createRequire } from "node:module";
      import { createCacheBuster } from "cache-id";
      const require = createRequire(process.cwd() + "/");
      const buster = createCacheBuster({ root: process.env.ROOT, validate: "once" });
      const env = new (require("nunjucks").Environment)();
      const hb = require("handlebars").create();
      const liquid = new (require("liquidjs").Liquid)();
      const returned = [
        require("cache-id/nunjucks").registerNunjucks(env, buster),
        require("cache-id/handlebars").registerHandlebars(hb, buster),
        require("cache-id/liquid").registerLiquid(liquid, buster),
      ];
      console.log(JSON.stringify({
        same: returned.every((b) => b === buster),
        urls: [
          env.renderString('{{ "/img/car.jpg" | cache_bust }}', {}),
          hb.compile('{{cache_bust "/img/car.jpg"}}')({}),
          liquid.parseAndRenderSync('{{ "/img/car.jpg" | cache_bust }}'),
        ],
        hashed: buster.stats().hashed,
      }));`;
    const run = node(["--input-type=module", "-e", script], { ROOT: root });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      same: true,
      urls: Array(3).fill(`/img/car.jpg?v=${sha(CAR)}`),
      hashed: 1,
    });
  });

  it("load no engine when required", () => {
    const script = `
      for (const a of ${JSON.stringify(ADAPTERS)}) require("cache-id/" + a);
      console.log(JSON.stringify(Object.keys(require.cache)));`;
    const run = node(["-e", script]);
    expect(run.stderr).toBe("");
    const loaded: string[] = JSON.parse(run.stdout);
    expect(loaded.some((file) => file.endsWith("nunjucks.cjs"))).toBe(true);
    for (const file of loaded) expect(file).toContain(join(REPO, "dist"));
  });

  it("import no engine in their ESM files", () => {
    for (const adapter of ADAPTERS) {
      const seen = new Set<string>();
      const visit = (file: string) => {
        if (seen.has(file)) return;
        seen.add(file);
        for (const [, fromSpec, dynamicSpec] of fs
          .readFileSync(file, "utf8")
          .matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g)) {
          const spec = fromSpec ?? dynamicSpec;
          if (spec!.startsWith("./")) visit(join(file, "..", spec!));
          else expect(ENGINES, `${file} imports ${spec}`).not.toContain(spec!.split("/")[0]);
        }
      };
      visit(join(REPO, `dist/${adapter}.js`));
      expect(seen.size, adapter).toBeGreaterThan(1);
    }
  });
});
