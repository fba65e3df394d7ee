import fc from "fast-check";
import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { registerNunjucks } from "../../adapters/nunjucks.js";
import { createCacheBuster, isCacheBuster, isCacheBustError } from "../../src/index.js";
import { HOSTILE_QUERIES, attribute, elements, sha, site, sri, write } from "./support.js";

const CAR = "car-bytes";
const CSS = "body{}";

/** A site with a stylesheet and an image, and a Nunjucks environment over it with the filters. */
function setup(envOptions: nunjucks.ConfigureOptions = {}, options: Parameters<typeof registerNunjucks>[1] = {}) {
  const root = site({ "img/car.jpg": CAR, "css/site.css": CSS });
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(root), envOptions);
  const buster = registerNunjucks(env, isCacheBuster(options) ? options : { root, ...options });
  return { root, env, buster };
}

/** Renders asynchronously through Nunjucks' callback API. */
function renderAsync(env: nunjucks.Environment, src: string, ctx: object = {}): Promise<string> {
  return new Promise((ok, fail) => env.renderString(src, ctx, (err, out) => (err ? fail(err) : ok(out as string))));
}

describe("registerNunjucks", () => {
  it("busts an absolute URL with {{ }} output", () => {
    const { env } = setup();
    expect(env.renderString(`{{ "/img/car.jpg" | cache_bust }}`, {})).toBe(`/img/car.jpg?v=${sha(CAR)}`);
  });

  it("busts an absolute URL with custom << >> variable tags", () => {
    const { env } = setup({ tags: { variableStart: "<<", variableEnd: ">>" } });
    expect(env.renderString(`<< "/img/car.jpg" | cache_bust >>`, {})).toBe(`/img/car.jpg?v=${sha(CAR)}`);
  });

  it("returns the CacheBuster its filter uses", () => {
    const { env, buster } = setup();
    expect(isCacheBuster(buster)).toBe(true);
    env.renderString(`{{ "/img/car.jpg" | cache_bust }}`, {});
    expect(buster.manifest()).toEqual({ "/img/car.jpg": sha(CAR) });
  });

  it("uses a CacheBuster given instead of options, and returns that same buster", () => {
    const root = site({ "img/car.jpg": CAR });
    const shared = createCacheBuster({ root, validate: "once" });
    const env = new nunjucks.Environment();
    expect(registerNunjucks(env, shared)).toBe(shared);
    env.renderString(`{{ "/img/car.jpg" | cache_bust }}`, {});
    expect(shared.stats().hashed).toBe(1);
  });

  it("passes core options such as mode through to the buster", () => {
    const { env } = setup({}, { mode: "path" });
    expect(env.renderString(`{{ "/img/car.jpg" | cache_bust }}`, {})).toBe(`/img/car.${sha(CAR)}.jpg`);
  });

  it("registers the URL filter under filterName instead of cache_bust", () => {
    const { env } = setup({}, { filterName: "bust" });
    expect(env.renderString(`{{ "/img/car.jpg" | bust }}`, {})).toBe(`/img/car.jpg?v=${sha(CAR)}`);
    expect(() => env.renderString(`{{ "/img/car.jpg" | cache_bust }}`, {})).toThrow(/filter not found: cache_bust/);
  });

  it("registers a shared buster under another name given as the third argument", () => {
    const root = site({ "img/car.jpg": CAR });
    const env = new nunjucks.Environment();
    registerNunjucks(env, createCacheBuster({ root }), { filterName: "bust" });
    expect(env.renderString(`{{ "/img/car.jpg" | bust }}`, {})).toBe(`/img/car.jpg?v=${sha(CAR)}`);
  });

  it("gives the integrity value a browser checks, sha384 by default", () => {
    const { env } = setup();
    expect(env.renderString(`{{ "/css/site.css" | integrity }}`, {})).toBe(sri(CSS));
  });

  it("takes the integrity algorithm positionally or as a keyword", () => {
    const { env } = setup();
    expect(env.renderString(`{{ "/css/site.css" | integrity("sha512") }}`, {})).toBe(sri(CSS, "sha512"));
    expect(env.renderString(`{{ "/css/site.css" | integrity(algorithm="sha256") }}`, {})).toBe(sri(CSS, "sha256"));
  });

  it("overrides the query parameter for one call with a param keyword argument", () => {
    const { env } = setup();
    expect(env.renderString(`{{ "/img/car.jpg" | cache_bust(param="h") }}`, {})).toBe(`/img/car.jpg?h=${sha(CAR)}`);
  });

  it("resolves a relative URL against page.url of the render context and keeps it relative", () => {
    const { env } = setup();
    expect(env.renderString(`{{ "car.jpg" | cache_bust }}`, { page: { url: "/img/" } })).toBe(`car.jpg?v=${sha(CAR)}`);
  });

  it("resolves a relative URL against a from keyword argument over page.url", () => {
    const { env } = setup();
    const out = env.renderString(`{{ "../img/car.jpg" | cache_bust(from="/css/site.css") }}`, {
      page: { url: "/elsewhere/deep/" },
    });
    expect(out).toBe(`../img/car.jpg?v=${sha(CAR)}`);
  });

  it("resolves a relative URL against / when the context has no page", () => {
    const { env } = setup();
    expect(env.renderString(`{{ "img/car.jpg" | cache_bust }}`, {})).toBe(`img/car.jpg?v=${sha(CAR)}`);
  });

  it("resolves page.url inside a macro", () => {
    const { env } = setup();
    const src = `{% macro pic(src) %}<img src="{{ src | cache_bust }}">{% endmacro %}{{ pic("car.jpg") }}`;
    expect(attribute(env.renderString(src, { page: { url: "/img/" } }), "img", "src")).toBe(`car.jpg?v=${sha(CAR)}`);
  });

  for (const autoescape of [true, false]) {
    it(`puts a URL with an existing query into an attribute so a browser reads the busted URL (autoescape ${autoescape})`, () => {
      const { env } = setup({ autoescape });
      const html = env.renderString(`<link rel="stylesheet" href="{{ "/css/site.css?x=1&y=2" | cache_bust }}">`, {});
      expect(html).toContain("&amp;");
      expect(attribute(html, "link", "href")).toBe(`/css/site.css?x=1&y=2&v=${sha(CSS)}`);
    });

    it(`keeps quotes and < in the input inside the attribute (autoescape ${autoescape})`, () => {
      const { env, root } = setup({ autoescape });
      write(root, `odd"<name>'.css`, CSS);
      const oracle = createCacheBuster({ root });
      const urls = [
        `/odd"<name>'.css`,
        ...HOSTILE_QUERIES.map((q) => `/css/site.css?${q}`),
        `https://example.com/"><script>x</script>`,
      ];
      for (const url of urls) {
        const html = env.renderString(`<a href="{{ url | cache_bust }}" title='{{ url | cache_bust }}'>t</a>`, { url });
        expect(elements(html), html).toEqual([
          { tag: "a", attrs: { href: oracle.url(url), title: oracle.url(url) }, names: ["href", "title"] },
        ]);
      }
    });

    it(`lets no generated query string escape a quoted attribute (autoescape ${autoescape})`, () => {
      const { env, root } = setup({ autoescape });
      const oracle = createCacheBuster({ root });
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom(..."ab=&;#\"'<>/ ?x".split("")), maxLength: 24 }), (query) => {
          const url = `/css/site.css?${query}`;
          const html = env.renderString(`<a href="{{ url | cache_bust }}" title='{{ url | cache_bust }}'>t</a>`, {
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

  it("marks its output safe with autoescape off, so an explicit | escape does not escape it twice", () => {
    const { env } = setup({ autoescape: false });
    const html = env.renderString(`<link href="{{ "/css/site.css?x=1" | cache_bust | escape }}">`, {});
    expect(attribute(html, "link", "href")).toBe(`/css/site.css?x=1&v=${sha(CSS)}`);
  });

  it("returns a plain string with autoescape on, so | dump | safe gives the URL as JSON", () => {
    const { env } = setup({ autoescape: true });
    const out = env.renderString(`{{ "/css/site.css?x=1" | cache_bust | dump | safe }}`, {});
    expect(JSON.parse(out)).toBe(`/css/site.css?x=1&v=${sha(CSS)}`);
  });

  it("works in an asynchronous renderString(src, ctx, callback)", async () => {
    const { env } = setup();
    expect(await renderAsync(env, `{{ "/img/car.jpg" | cache_bust }}`)).toBe(`/img/car.jpg?v=${sha(CAR)}`);
  });

  const constructs: Record<string, string> = {
    "a macro": `{% macro m() %}{{ "/img/car.jpg" | cache_bust }}{% endmacro %}{{ m() }}`,
    "a {% set %} block": `{% set u %}{{ "/img/car.jpg" | cache_bust }}{% endset %}{{ u }}`,
    "a {% filter %} block": `{% filter trim %} {{ "/img/car.jpg" | cache_bust }} {% endfilter %}`,
    "an include": `{% include "partial.njk" %}`,
  };
  for (const [name, src] of Object.entries(constructs)) {
    it(`works inside ${name} in an asynchronous render`, async () => {
      const { env, root } = setup();
      write(root, "partial.njk", `{{ "/img/car.jpg" | cache_bust }}`);
      expect(await renderAsync(env, src)).toBe(`/img/car.jpg?v=${sha(CAR)}`);
    });
  }

  it("fails the render for a missing file with the URL and the file tried in the message", () => {
    const { env, root } = setup();
    let error: unknown;
    try {
      env.renderString(`{{ "/img/gone.jpg" | cache_bust }}`, {});
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toContain(`"/img/gone.jpg"`);
    expect((error as Error).message).toContain(`${root}/img/gone.jpg`);
  });

  it("fails an asynchronous render for a missing file with the URL and the file tried in the message", async () => {
    const { env, root } = setup();
    const error = await renderAsync(env, `{{ "/img/gone.jpg" | cache_bust }}`).catch((e: Error) => e);
    expect((error as Error).message).toContain(`"/img/gone.jpg"`);
    expect((error as Error).message).toContain(`${root}/img/gone.jpg`);
  });

  it("leaves a missing URL as written when the call says missing='ignore'", () => {
    const { env } = setup();
    expect(env.renderString(`{{ "/img/gone.jpg" | cache_bust(missing="ignore") }}`, {})).toBe("/img/gone.jpg");
  });

  it("rejects an unknown keyword argument, naming it", () => {
    const { env } = setup();
    expect(() => env.renderString(`{{ "/img/car.jpg" | cache_bust(parm="h") }}`, {})).toThrow(
      /cache_bust has no argument "parm"/,
    );
  });

  it("rejects a positional argument the URL filter does not take", () => {
    const { env } = setup();
    expect(() => env.renderString(`{{ "/img/car.jpg" | cache_bust("h") }}`, {})).toThrow(
      /cache_bust takes no positional argument/,
    );
  });

  it("rejects something that is not a Nunjucks environment with a BAD_ARGUMENT error", () => {
    let error: unknown;
    try {
      registerNunjucks(nunjucks as unknown as nunjucks.Environment);
    } catch (e) {
      error = e;
    }
    expect(isCacheBustError(error) && error.code).toBe("BAD_ARGUMENT");
  });

  it("rejects a filterName that is not a usable name", () => {
    expect(() => registerNunjucks(new nunjucks.Environment(), { filterName: "" })).toThrow(/filterName/);
  });
});
