// Part 1: the cost of one reference, in each engine, rendering a template with 100 of them.
// Every variant renders the very same template; only what `cache_bust` is bound to changes.
import Handlebars from "handlebars";
import { Liquid } from "liquidjs";
import nunjucks from "nunjucks";
import { identity, naiveBust, urlsIn } from "./lib/baselines.mjs";
import { measureRounds, ratioOf, summarise } from "./lib/micro.mjs";

/** Variants, in table order: what `cache_bust` is in each. */
export const VARIANTS = ["identity", "once", "always", "naive"];

const curly = (urls) => urls.map((u) => `<img src="{{ "${u}" | cache_bust }}" alt="">\n`).join("");
const handlebarsSource = (urls) => urls.map((u) => `<img src="{{cache_bust "${u}"}}" alt="">\n`).join("");

/**
 * The engines, each as `make(bind) -> render`, where `bind(kind, engine)` registers the
 * variant's `cache_bust` on a fresh engine instance (and returns false if it cannot).
 */
function engines(urls) {
  return {
    Nunjucks: (bind) => {
      const env = new nunjucks.Environment([], { autoescape: true });
      if (!bind("nunjucks", env)) return undefined;
      const template = nunjucks.compile(curly(urls), env);
      return () => template.render({});
    },
    Handlebars: (bind) => {
      const hb = Handlebars.create();
      if (!bind("handlebars", hb)) return undefined;
      const template = hb.compile(handlebarsSource(urls));
      return () => template({});
    },
    "LiquidJS sync": (bind) => {
      const liquid = new Liquid();
      if (!bind("liquid", liquid)) return undefined;
      const template = liquid.parse(curly(urls));
      return () => liquid.renderSync(template, {});
    },
    "LiquidJS async": (bind) => {
      const liquid = new Liquid();
      if (!bind("liquid", liquid)) return undefined;
      const template = liquid.parse(curly(urls));
      return () => liquid.render(template, {});
    },
  };
}

/** Registers a plain function as `cache_bust` the way each engine takes filters/helpers. */
function registerPlain(kind, engine, fn) {
  if (kind === "nunjucks") engine.addFilter("cache_bust", fn);
  else if (kind === "handlebars") engine.registerHelper("cache_bust", (url) => fn(url));
  else engine.registerFilter("cache_bust", fn);
  return true;
}

/** The binder of one variant: a baseline filter or the package's adapter. */
function binder(variant, pkg, root) {
  if (variant === "identity") return (kind, engine) => registerPlain(kind, engine, identity);
  if (variant === "naive") {
    const naive = naiveBust(root);
    return (kind, engine) => registerPlain(kind, engine, naive);
  }
  const register = { nunjucks: pkg.registerNunjucks, handlebars: pkg.registerHandlebars, liquid: pkg.registerLiquid };
  return (kind, engine) => {
    if (typeof register[kind] !== "function") return false;
    register[kind](engine, { root, validate: variant });
    return true;
  };
}

/**
 * Runs part 1. `urls` are 100 root-relative asset URLs under `root`, whose files are older than
 * the freshness window (so `validate: "always"` hits its cache). Returns figures per engine.
 */
export async function benchEngines({ pkg, root, urls, rounds, time, log }) {
  const results = {};
  for (const [engine, make] of Object.entries(engines(urls))) {
    const renders = {};
    const outputs = {};
    for (const variant of VARIANTS) {
      const render = make(binder(variant, pkg, root));
      if (!render) continue;
      // Warm: the first render hashes every file (as the first page of a build would).
      outputs[variant] = urlsIn(await render());
      renders[variant] = render;
    }
    // The busting variants must agree with the hand-written one, or the figures mean nothing.
    for (const v of ["once", "always"]) {
      if (outputs[v] && JSON.stringify(outputs[v]) !== JSON.stringify(outputs.naive)) {
        throw new Error(
          `bench: ${engine} with validate "${v}" renders ${outputs[v][0]}, the naive filter ${outputs.naive[0]}`,
        );
      }
    }
    const perRound = await measureRounds(renders, { rounds, time });
    const summary = summarise(perRound);
    results[engine] = Object.fromEntries(
      VARIANTS.map((v) => [
        v,
        summary[v]
          ? {
              nsPerRef: (summary[v].ms * 1e6) / urls.length,
              msPerRender: summary[v].ms,
              ratio: v === "identity" ? undefined : ratioOf(perRound, v, "identity"),
            }
          : undefined,
      ]),
    );
    log(`  ${engine}: done`);
  }
  return { refsPerTemplate: urls.length, rounds, results };
}
