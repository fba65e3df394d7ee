import fc from "fast-check";
import Handlebars from "handlebars";
import { describe, expect, it } from "vitest";
import { registerHandlebars } from "../../adapters/handlebars.js";
import { createCacheBuster, isCacheBuster, isCacheBustError } from "../../src/index.js";
import { HOSTILE_QUERIES, attribute, elements, sha, site, sri, write } from "./support.js";

const CAR = "car-bytes";
const CSS = "body{}";

/** A site with a stylesheet and an image, and an isolated Handlebars instance with the helpers. */
function setup(options: Parameters<typeof registerHandlebars>[1] = {}) {
  const root = site({ "img/car.jpg": CAR, "css/site.css": CSS });
  const hb = Handlebars.create();
  const buster = registerHandlebars(hb, isCacheBuster(options) ? options : { root, ...options });
  const render = (src: string, ctx: object = {}) => hb.compile(src)(ctx);
  return { root, hb, buster, render };
}

describe("registerHandlebars", () => {
  it("busts an absolute URL with the cache_bust helper", () => {
    const { render } = setup();
    expect(render(`{{cache_bust "/img/car.jpg"}}`)).toBe(`/img/car.jpg?v=${sha(CAR)}`);
  });

  it("busts a URL held in a context variable", () => {
    const { render } = setup();
    expect(render(`{{cache_bust image}}`, { image: "/img/car.jpg" })).toBe(`/img/car.jpg?v=${sha(CAR)}`);
  });

  it("returns the CacheBuster its helper uses", () => {
    const { render, buster } = setup();
    expect(isCacheBuster(buster)).toBe(true);
    render(`{{cache_bust "/img/car.jpg"}}`);
    expect(buster.manifest()).toEqual({ "/img/car.jpg": sha(CAR) });
  });

  it("uses a CacheBuster given instead of options, and returns that same buster", () => {
    const root = site({ "img/car.jpg": CAR });
    const shared = createCacheBuster({ root, validate: "once" });
    const hb = Handlebars.create();
    expect(registerHandlebars(hb, shared)).toBe(shared);
    hb.compile(`{{cache_bust "/img/car.jpg"}}`)({});
    expect(shared.stats().hashed).toBe(1);
  });

  it("registers on the instance given, leaving other Handlebars instances alone", () => {
    const { hb } = setup();
    expect(hb.helpers.cache_bust).toBeTypeOf("function");
    expect(Handlebars.create().helpers.cache_bust).toBeUndefined();
    expect(Handlebars.helpers.cache_bust).toBeUndefined();
  });

  it("passes core options such as mode through to the buster", () => {
    const { render } = setup({ mode: "path" });
    expect(render(`{{cache_bust "/img/car.jpg"}}`)).toBe(`/img/car.${sha(CAR)}.jpg`);
  });

  it("registers the URL helper under filterName instead of cache_bust", () => {
    const { hb, render } = setup({ filterName: "bust" });
    expect(render(`{{bust "/img/car.jpg"}}`)).toBe(`/img/car.jpg?v=${sha(CAR)}`);
    expect(hb.helpers.cache_bust).toBeUndefined();
  });

  it("gives the integrity value a browser checks, sha384 by default", () => {
    const { render } = setup();
    expect(render(`{{integrity "/css/site.css"}}`)).toBe(sri(CSS));
  });

  it("takes the integrity algorithm positionally or as a hash argument", () => {
    const { render } = setup();
    expect(render(`{{integrity "/css/site.css" "sha512"}}`)).toBe(sri(CSS, "sha512"));
    expect(render(`{{integrity "/css/site.css" algorithm="sha256"}}`)).toBe(sri(CSS, "sha256"));
  });

  it("overrides the query parameter for one call with a param hash argument", () => {
    const { render } = setup();
    expect(render(`{{cache_bust "/img/car.jpg" param="h"}}`)).toBe(`/img/car.jpg?h=${sha(CAR)}`);
  });

  it("resolves a relative URL against page.url of the root context and keeps it relative", () => {
    const { render } = setup();
    expect(render(`{{cache_bust "car.jpg"}}`, { page: { url: "/img/" } })).toBe(`car.jpg?v=${sha(CAR)}`);
  });

  it("resolves against the root context's page.url inside an #each block", () => {
    const { render } = setup();
    const out = render(`{{#each pics}}<img src="{{cache_bust this}}">{{/each}}`, {
      page: { url: "/img/" },
      pics: ["car.jpg"],
    });
    expect(attribute(out, "img", "src")).toBe(`car.jpg?v=${sha(CAR)}`);
  });

  it("resolves a relative URL against a from hash argument over page.url", () => {
    const { render } = setup();
    expect(render(`{{cache_bust "../img/car.jpg" from="/css/site.css"}}`, { page: { url: "/a/b/c/" } })).toBe(
      `../img/car.jpg?v=${sha(CAR)}`,
    );
  });

  it("resolves a relative URL against / when the context has no page", () => {
    const { render } = setup();
    expect(render(`{{cache_bust "img/car.jpg"}}`)).toBe(`img/car.jpg?v=${sha(CAR)}`);
  });

  for (const [stash, open, close] of [
    ["{{ }}", "{{", "}}"],
    ["{{{ }}}", "{{{", "}}}"],
  ] as const) {
    it(`puts a URL with an existing query into an attribute so a browser reads the busted URL (${stash})`, () => {
      const { render } = setup();
      const html = render(`<link rel="stylesheet" href="${open}cache_bust "/css/site.css?x=1&y=2"${close}">`);
      expect(attribute(html, "link", "href")).toBe(`/css/site.css?x=1&y=2&v=${sha(CSS)}`);
    });

    it(`keeps quotes and < in the input inside the attribute (${stash})`, () => {
      const { render, root } = setup();
      write(root, `odd"<name>'.css`, CSS);
      const oracle = createCacheBuster({ root });
      const urls = [
        `/odd"<name>'.css`,
        ...HOSTILE_QUERIES.map((q) => `/css/site.css?${q}`),
        `https://example.com/"><script>x</script>`,
      ];
      for (const url of urls) {
        const html = render(`<a href="${open}cache_bust url${close}" title='${open}cache_bust url${close}'>t</a>`, {
          url,
        });
        expect(elements(html), html).toEqual([
          { tag: "a", attrs: { href: oracle.url(url), title: oracle.url(url) }, names: ["href", "title"] },
        ]);
      }
    });

    it(`lets no generated query string escape a quoted attribute (${stash})`, () => {
      const { render, root } = setup();
      const oracle = createCacheBuster({ root });
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(..."ab=&;#\"'<>/ ?x`".split("")), maxLength: 24 }), (query) => {
          const url = `/css/site.css?${query}`;
          const html = render(`<a href="${open}cache_bust url${close}" title='${open}cache_bust url${close}'>t</a>`, {
            url,
          });
          expect(elements(html)).toEqual([
            { tag: "a", attrs: { href: oracle.url(url), title: oracle.url(url) }, names: ["href", "title"] },
          ]);
        }),
        { numRuns: 150 },
      );
    });
  }

  it("writes = as itself rather than Handlebars' &#x3D;", () => {
    const { render } = setup();
    expect(render(`{{cache_bust "/img/car.jpg"}}`)).not.toContain("&#x3D;");
  });

  it("fails the render for a missing file with the URL and the file tried in the message", () => {
    const { render, root } = setup();
    let error: unknown;
    try {
      render(`{{cache_bust "/img/gone.jpg"}}`);
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toContain(`"/img/gone.jpg"`);
    expect((error as Error).message).toContain(`${root}/img/gone.jpg`);
    expect(isCacheBustError(error) && error.code).toBe("MISSING_FILE");
  });

  it('leaves a missing URL as written when the call says missing="ignore"', () => {
    const { render } = setup();
    expect(render(`{{cache_bust "/img/gone.jpg" missing="ignore"}}`)).toBe("/img/gone.jpg");
  });

  it("rejects a call without a URL with a BAD_ARGUMENT error", () => {
    const { render } = setup();
    let error: unknown;
    try {
      render(`{{cache_bust}}`);
    } catch (e) {
      error = e;
    }
    expect(isCacheBustError(error) && error.code).toBe("BAD_ARGUMENT");
  });

  it("rejects an unknown hash argument, naming it", () => {
    const { render } = setup();
    expect(() => render(`{{cache_bust "/img/car.jpg" parm="h"}}`)).toThrow(/cache_bust has no argument "parm"/);
  });

  it("rejects something that is not a Handlebars instance with a BAD_ARGUMENT error", () => {
    let error: unknown;
    try {
      registerHandlebars({} as typeof Handlebars);
    } catch (e) {
      error = e;
    }
    expect(isCacheBustError(error) && error.code).toBe("BAD_ARGUMENT");
  });
});
