import fc from "fast-check";
import { Liquid, type LiquidOptions } from "liquidjs";
import { describe, expect, it } from "vitest";
import { registerLiquid } from "../../adapters/liquid.js";
import { createCacheBuster, isCacheBuster, isCacheBustError } from "../../src/index.js";
import { HOSTILE_QUERIES, attribute, elements, sha, site, sri, write } from "./support.js";

const CAR = "car-bytes";
const CSS = "body{}";

/** A site with a stylesheet and an image, and a Liquid engine over it with the filters. */
function setup(liquidOptions: LiquidOptions = {}, options: Parameters<typeof registerLiquid>[1] = {}) {
  const root = site({ "img/car.jpg": CAR, "css/site.css": CSS });
  const liquid = new Liquid({ root, ...liquidOptions });
  const buster = registerLiquid(liquid, isCacheBuster(options) ? options : { root, ...options });
  return { root, liquid, buster };
}

const renders = {
  // async only so that a synchronous throw arrives as a rejection, like the other render's.
  parseAndRenderSync: async (liquid: Liquid, src: string, ctx: object = {}) =>
    liquid.parseAndRenderSync(src, ctx) as string,
  parseAndRender: (liquid: Liquid, src: string, ctx: object = {}) => liquid.parseAndRender(src, ctx) as Promise<string>,
};

describe("registerLiquid", () => {
  for (const [how, render] of Object.entries(renders)) {
    describe(`with ${how}`, () => {
      it("busts an absolute URL with {{ }} output", async () => {
        const { liquid } = setup();
        expect(await render(liquid, `{{ "/img/car.jpg" | cache_bust }}`)).toBe(`/img/car.jpg?v=${sha(CAR)}`);
      });

      it("busts an absolute URL with << >> output delimiters", async () => {
        const { liquid } = setup({ outputDelimiterLeft: "<<", outputDelimiterRight: ">>" });
        expect(await render(liquid, `<< "/img/car.jpg" | cache_bust >>`)).toBe(`/img/car.jpg?v=${sha(CAR)}`);
      });

      it("resolves a relative URL against page.url of the context and keeps it relative", async () => {
        const { liquid } = setup();
        expect(await render(liquid, `{{ "car.jpg" | cache_bust }}`, { page: { url: "/img/" } })).toBe(
          `car.jpg?v=${sha(CAR)}`,
        );
      });

      it("gives the integrity value a browser checks", async () => {
        const { liquid } = setup();
        expect(await render(liquid, `{{ "/css/site.css" | integrity }}`)).toBe(sri(CSS));
      });

      it("fails the render for a missing file with the URL and the file tried in the message", async () => {
        const { liquid, root } = setup();
        const error = await render(liquid, `{{ "/img/gone.jpg" | cache_bust }}`).catch((e: Error) => e);
        expect((error as Error).message).toContain(`"/img/gone.jpg"`);
        expect((error as Error).message).toContain(`${root}/img/gone.jpg`);
      });
    });
  }

  it("keeps the CacheBustError, with its code, as the render error's originalError", async () => {
    const { liquid } = setup();
    const error = await liquid.parseAndRender(`{{ "/img/gone.jpg" | cache_bust }}`).catch((e: Error) => e);
    const original = (error as { originalError?: unknown }).originalError;
    expect(isCacheBustError(original) && original.code).toBe("MISSING_FILE");
  });

  it("returns the CacheBuster its filter uses", () => {
    const { liquid, buster } = setup();
    expect(isCacheBuster(buster)).toBe(true);
    liquid.parseAndRenderSync(`{{ "/img/car.jpg" | cache_bust }}`);
    expect(buster.manifest()).toEqual({ "/img/car.jpg": sha(CAR) });
  });

  it("uses a CacheBuster given instead of options, and returns that same buster", () => {
    const root = site({ "img/car.jpg": CAR });
    const shared = createCacheBuster({ root, validate: "once" });
    const liquid = new Liquid();
    expect(registerLiquid(liquid, shared)).toBe(shared);
    liquid.parseAndRenderSync(`{{ "/img/car.jpg" | cache_bust }}`);
    expect(shared.stats().hashed).toBe(1);
  });

  it("passes core options such as mode through to the buster", () => {
    const { liquid } = setup({}, { mode: "path" });
    expect(liquid.parseAndRenderSync(`{{ "/img/car.jpg" | cache_bust }}`)).toBe(`/img/car.${sha(CAR)}.jpg`);
  });

  it("registers the URL filter under filterName instead of cache_bust", () => {
    const { liquid } = setup({ strictFilters: true }, { filterName: "bust" });
    expect(liquid.parseAndRenderSync(`{{ "/img/car.jpg" | bust }}`)).toBe(`/img/car.jpg?v=${sha(CAR)}`);
    expect(() => liquid.parseAndRenderSync(`{{ "/img/car.jpg" | cache_bust }}`)).toThrow(
      /undefined filter: cache_bust/,
    );
  });

  it("takes the integrity algorithm positionally or as a named argument", () => {
    const { liquid } = setup();
    expect(liquid.parseAndRenderSync(`{{ "/css/site.css" | integrity: "sha512" }}`)).toBe(sri(CSS, "sha512"));
    expect(liquid.parseAndRenderSync(`{{ "/css/site.css" | integrity: algorithm: "sha256" }}`)).toBe(
      sri(CSS, "sha256"),
    );
  });

  it("overrides the query parameter for one call with a param named argument", () => {
    const { liquid } = setup();
    expect(liquid.parseAndRenderSync(`{{ "/img/car.jpg" | cache_bust: param: "h" }}`)).toBe(
      `/img/car.jpg?h=${sha(CAR)}`,
    );
  });

  it("resolves a relative URL against a from named argument over page.url", () => {
    const { liquid } = setup();
    const out = liquid.parseAndRenderSync(`{{ "../img/car.jpg" | cache_bust: from: "/css/site.css" }}`, {
      page: { url: "/a/b/c/" },
    });
    expect(out).toBe(`../img/car.jpg?v=${sha(CAR)}`);
  });

  it("resolves a relative URL against / when strictVariables is on and the context has no page", () => {
    const { liquid } = setup({ strictVariables: true });
    expect(liquid.parseAndRenderSync(`{{ "img/car.jpg" | cache_bust }}`)).toBe(`img/car.jpg?v=${sha(CAR)}`);
  });

  it("resolves page.url inside an included file", async () => {
    const { liquid, root } = setup();
    write(root, "pic.liquid", `<img src="{{ src | cache_bust }}">`);
    const out = await liquid.parseAndRender(`{% render "pic.liquid", src: "car.jpg", page: page %}`, {
      page: { url: "/img/" },
    });
    expect(attribute(out, "img", "src")).toBe(`car.jpg?v=${sha(CAR)}`);
  });

  for (const outputEscape of [undefined, "escape"] as const) {
    const label = outputEscape ? `outputEscape "${outputEscape}"` : "no outputEscape";

    it(`puts a URL with an existing query into an attribute so a browser reads the busted URL (${label})`, () => {
      const { liquid } = setup({ outputEscape });
      const html = liquid.parseAndRenderSync(
        `<link rel="stylesheet" href="{{ "/css/site.css?x=1&y=2" | cache_bust }}">`,
      );
      expect(html).toContain("&amp;");
      expect(attribute(html, "link", "href")).toBe(`/css/site.css?x=1&y=2&v=${sha(CSS)}`);
    });

    it(`keeps quotes and < in the input inside the attribute (${label})`, () => {
      const { liquid, root } = setup({ outputEscape });
      write(root, `odd"<name>'.css`, CSS);
      const oracle = createCacheBuster({ root });
      const urls = [
        `/odd"<name>'.css`,
        ...HOSTILE_QUERIES.map((q) => `/css/site.css?${q}`),
        `https://example.com/"><script>x</script>`,
      ];
      for (const url of urls) {
        const html = liquid.parseAndRenderSync(
          `<a href="{{ url | cache_bust }}" title='{{ url | cache_bust }}'>t</a>`,
          { url },
        );
        expect(elements(html), html).toEqual([
          { tag: "a", attrs: { href: oracle.url(url), title: oracle.url(url) }, names: ["href", "title"] },
        ]);
      }
    });

    it(`lets no generated query string escape a quoted attribute (${label})`, () => {
      const { liquid, root } = setup({ outputEscape });
      const oracle = createCacheBuster({ root });
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(..."ab=&;#\"'<>/ ?x".split("")), maxLength: 24 }), (query) => {
          const url = `/css/site.css?${query}`;
          const html = liquid.parseAndRenderSync(
            `<a href="{{ url | cache_bust }}" title='{{ url | cache_bust }}'>t</a>`,
            { url },
          );
          expect(elements(html)).toEqual([
            { tag: "a", attrs: { href: oracle.url(url), title: oracle.url(url) }, names: ["href", "title"] },
          ]);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("is escaped once when | escape_once follows the filter", () => {
    const { liquid } = setup({});
    const html = liquid.parseAndRenderSync(`<a href="{{ url | cache_bust | escape_once }}">t</a>`, {
      url: `/css/site.css?x="1"&y`,
    });
    expect(attribute(html, "a", "href")).toBe(`/css/site.css?x="1"&y&v=${sha(CSS)}`);
  });

  it("is escaped once, not twice, when outputEscape is set and another filter follows", () => {
    const { liquid } = setup({ outputEscape: "escape" });
    const html = liquid.parseAndRenderSync(`<a href="{{ "/css/site.css?x=1" | cache_bust | append: "#top" }}">t</a>`);
    expect(attribute(html, "a", "href")).toBe(`/css/site.css?x=1&v=${sha(CSS)}#top`);
  });

  it('leaves a missing URL as written when the call says missing: "ignore"', () => {
    const { liquid } = setup();
    expect(liquid.parseAndRenderSync(`{{ "/img/gone.jpg" | cache_bust: missing: "ignore" }}`)).toBe("/img/gone.jpg");
  });

  it("rejects an unknown named argument, naming it", () => {
    const { liquid } = setup();
    expect(() => liquid.parseAndRenderSync(`{{ "/img/car.jpg" | cache_bust: parm: "h" }}`)).toThrow(
      /cache_bust has no argument "parm"/,
    );
  });

  it("rejects something that is not a Liquid engine with a BAD_ARGUMENT error", () => {
    let error: unknown;
    try {
      registerLiquid({} as Liquid);
    } catch (e) {
      error = e;
    }
    expect(isCacheBustError(error) && error.code).toBe("BAD_ARGUMENT");
  });
});
