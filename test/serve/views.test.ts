import view from "@fastify/view";
import ejs from "ejs";
import { create as createHandlebars } from "express-handlebars";
import { Liquid } from "liquidjs";
import nunjucks from "nunjucks";
import { describe, expect, it } from "vitest";
import { registerHandlebars } from "../../adapters/handlebars.js";
import { registerLiquid } from "../../adapters/liquid.js";
import { registerNunjucks } from "../../adapters/nunjucks.js";
import { createCacheBuster } from "../../src/index.js";
import { viewHelpers } from "../../src/serve/index.js";
import { IMMUTABLE, request, settle, sha, site, startExpress, startFastify, type Running } from "./support.js";

const CAR = "car-bytes";

/** Views in `views/`, an image in `public/`, settled, and one buster over `public/`. */
async function setup(views: Record<string, string>) {
  const dir = site({
    "public/img/car.jpg": CAR,
    ...Object.fromEntries(Object.entries(views).map(([k, v]) => [`views/${k}`, v])),
  });
  await settle([`${dir}/public/img/car.jpg`]);
  return { views: `${dir}/views`, buster: createCacheBuster({ root: `${dir}/public`, trustAfterMs: 5 }) };
}

/** Fetches the page, takes the image URL out of it, and fetches that from the same server. */
async function pageAndImage({ port }: Running) {
  const page = await request(port, "/page");
  const src = /<img src="([^"]+)"/.exec(page.body.toString())?.[1];
  expect(src).toBe(`/img/car.jpg?v=${sha(CAR)}`);
  return request(port, (src as string).replace(/&amp;/g, "&"));
}

/** What every view test asserts: the page names the image by its hash and the handler serves it forever. */
async function expectServed(running: Running) {
  const image = await pageAndImage(running);
  expect(image.body.toString()).toBe(CAR);
  expect(image.headers["cache-control"]).toBe(IMMUTABLE);
}

describe("views with the handler, one buster for both", () => {
  it("renders busted URLs with Express and Nunjucks that the handler serves immutable", async () => {
    const { views, buster } = await setup({ "page.njk": `<img src="{{ '/img/car.jpg' | cache_bust }}">` });
    const running = await startExpress(buster, {}, (app) => {
      registerNunjucks(nunjucks.configure(views, { express: app, autoescape: true }), buster);
      app.get("/page", (_req, res) => res.render("page.njk"));
    });
    await expectServed(running);
  });

  it("renders busted URLs with express-handlebars", async () => {
    const { views, buster } = await setup({ "page.handlebars": `<img src="{{cache_bust '/img/car.jpg'}}">` });
    const running = await startExpress(buster, {}, (app) => {
      const hbs = createHandlebars({ defaultLayout: false });
      registerHandlebars(hbs.handlebars as unknown as Parameters<typeof registerHandlebars>[0], buster);
      app.engine("handlebars", hbs.engine);
      app.set("view engine", "handlebars");
      app.set("views", views);
      app.get("/page", (_req, res) => res.render("page"));
    });
    await expectServed(running);
  });

  it("renders busted URLs with LiquidJS's Express engine", async () => {
    const { views, buster } = await setup({ "page.liquid": `<img src="{{ '/img/car.jpg' | cache_bust }}">` });
    const running = await startExpress(buster, {}, (app) => {
      const liquid = new Liquid({ root: views, extname: ".liquid" });
      registerLiquid(liquid, buster);
      app.engine("liquid", liquid.express());
      app.set("view engine", "liquid");
      app.set("views", views);
      app.get("/page", (_req, res) => res.render("page"));
    });
    await expectServed(running);
  });

  it("renders busted URLs with EJS through viewHelpers on app.locals", async () => {
    const { views, buster } = await setup({ "page.ejs": `<img src="<%= cache_bust('/img/car.jpg') %>">` });
    const running = await startExpress(buster, {}, (app) => {
      app.engine("ejs", ejs.renderFile);
      app.set("view engine", "ejs");
      app.set("views", views);
      Object.assign(app.locals, viewHelpers(buster));
      app.get("/page", (_req, res) => res.render("page"));
    });
    await expectServed(running);
  });

  it("renders busted URLs with Fastify and @fastify/view (Nunjucks)", async () => {
    const { views, buster } = await setup({ "page.njk": `<img src="{{ '/img/car.jpg' | cache_bust }}">` });
    const running = await startFastify(buster, {}, async (app) => {
      await app.register(view, {
        engine: { nunjucks },
        root: views,
        options: { onConfigure: (env: nunjucks.Environment) => registerNunjucks(env, buster) },
      });
      app.get("/page", (_req: unknown, reply: { view(name: string): unknown }) => reply.view("page.njk"));
    });
    await expectServed(running);
  });

  it("shares the buster's cache: the handler's lookup of a rendered URL is a cache hit", async () => {
    const { views, buster } = await setup({ "page.njk": `<img src="{{ '/img/car.jpg' | cache_bust }}">` });
    const running = await startExpress(buster, {}, (app) => {
      registerNunjucks(nunjucks.configure(views, { express: app }), buster);
      app.get("/page", (_req, res) => res.render("page.njk"));
    });
    await pageAndImage(running);
    expect(buster.stats().hashed).toBe(1);
  });
});
