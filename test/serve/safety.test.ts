import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { request, settle, site, startExpress, startFastify, startHttp, write } from "./support.js";

const SECRET = "secret-bytes";

/** A site under `outer/public`, with a secret next to it in `outer/`, and a buster over the site. */
async function setup(options = {}) {
  const outer = site({
    "secret.txt": SECRET,
    "public/img/car.jpg": "car",
    "public/.env": "TOKEN=1",
    "public/.git/config": "[core]",
  });
  const root = `${outer}/public`;
  await settle([`${root}/img/car.jpg`]);
  return { outer, root, buster: createCacheBuster({ root, trustAfterMs: 5, ...options }) };
}

const TRAVERSALS = [
  "/../secret.txt",
  "/%2e%2e/secret.txt",
  "/%2E%2E/secret.txt",
  "/img/%2e%2e/%2e%2e/secret.txt",
  "/%2e%2e%2fsecret.txt",
  "/img%2f%2e%2e%2f%2e%2e%2fsecret.txt",
  "/..%5csecret.txt",
  "/img\\..\\..\\secret.txt",
  "/%252e%252e/secret.txt",
  "/%25%32%65%25%32%65/secret.txt",
  "/.%2e/secret.txt",
  "//../secret.txt",
];

describe("serveAssets refuses what is not the site's", () => {
  it.each(TRAVERSALS)("never sends a file above the root for %s", async (path) => {
    const { buster } = await setup();
    const { port } = await startHttp(buster);
    const reply = await request(port, path);
    expect([400, 404]).toContain(reply.status);
    expect(reply.body.toString()).not.toContain(SECRET);
  });

  it("answers a URL leaving the root with 400", async () => {
    const { buster } = await setup();
    const { port } = await startHttp(buster);
    expect((await request(port, "/%2e%2e/secret.txt")).status).toBe(400);
  });

  it("answers malformed percent-encoding with 400", async () => {
    const { buster } = await setup();
    const { port } = await startHttp(buster);
    expect((await request(port, "/img/%E0%A4%A.jpg")).status).toBe(400);
  });

  it("answers an encoded NUL with 400", async () => {
    const { buster } = await setup();
    const { port } = await startHttp(buster);
    expect((await request(port, "/img/car.jpg%00.txt")).status).toBe(400);
  });

  it.each(["/.env", "/.git/config", "/%2eenv", "/img/../.env"])("answers the dotfile %s with 404", async (path) => {
    const { buster } = await setup();
    const { port } = await startHttp(buster);
    const reply = await request(port, path);
    expect(reply.status).toBe(404);
    expect(reply.body.toString()).not.toContain("TOKEN");
  });

  it("serves dotfiles when dotfiles is true", async () => {
    const { buster } = await setup();
    const { port } = await startHttp(buster, { dotfiles: true });
    expect((await request(port, "/.env")).body.toString()).toBe("TOKEN=1");
  });

  it("answers a directory with 404 and no listing", async () => {
    const { buster } = await setup();
    const { port } = await startHttp(buster);
    for (const path of ["/img", "/img/", "/"]) {
      const reply = await request(port, path);
      expect(reply.status).toBe(404);
      expect(reply.body.toString()).not.toContain("car.jpg");
    }
  });

  it("refuses a symbolic link that leaves the root", async () => {
    const { outer, root, buster } = await setup();
    fs.symlinkSync(`${outer}/secret.txt`, `${root}/img/link.txt`);
    const { port } = await startHttp(buster);
    const reply = await request(port, "/img/link.txt");
    expect(reply.status).toBe(404);
    expect(reply.body.toString()).not.toContain(SECRET);
  });

  it("serves a link that leaves the root when the core's allowLinksOutside is true", async () => {
    const { outer, root } = await setup();
    fs.symlinkSync(`${outer}/secret.txt`, `${root}/img/link.txt`);
    const { port } = await startHttp(createCacheBuster({ root, trustAfterMs: 5, allowLinksOutside: true }));
    expect((await request(port, "/img/link.txt")).body.toString()).toBe(SECRET);
  });

  it("refuses a directory link that leaves the root", async () => {
    const { outer, root, buster } = await setup();
    fs.symlinkSync(outer, `${root}/up`);
    const { port } = await startHttp(buster);
    expect((await request(port, "/up/secret.txt")).status).toBe(404);
  });

  it("follows a symbolic link that stays inside the root", async () => {
    const { root, buster } = await setup();
    fs.symlinkSync(`${root}/img/car.jpg`, `${root}/img/alias.jpg`);
    const { port } = await startHttp(buster);
    expect((await request(port, "/img/alias.jpg")).body.toString()).toBe("car");
  });

  it("answers a FIFO with 404 without blocking, and keeps serving", async () => {
    const { root, buster } = await setup();
    execFileSync("mkfifo", [`${root}/img/pipe.jpg`]);
    const { port } = await startHttp(buster);
    expect((await request(port, "/img/pipe.jpg")).status).toBe(404);
    expect((await request(port, "/img/car.jpg")).body.toString()).toBe("car");
  });

  it("refuses a .gz sibling that links outside the root", async () => {
    const { outer, root, buster } = await setup();
    const { gzipSync } = await import("node:zlib");
    write(outer, "car.jpg.gz", gzipSync("car"));
    fs.symlinkSync(`${outer}/car.jpg.gz`, `${root}/img/car.jpg.gz`);
    const { port } = await startHttp(buster);
    const reply = await request(port, "/img/car.jpg", { "accept-encoding": "gzip" });
    expect(reply.headers["content-encoding"]).toBeUndefined();
    expect(reply.body.toString()).toBe("car");
  });
});

/** Characters a hostile request path is made of. */
const PIECES = [
  "/",
  ".",
  "..",
  "%",
  "%2e",
  "%2f",
  "%5c",
  "\\",
  "%00",
  "%25",
  "img",
  "car.jpg",
  ".env",
  "?",
  "#",
  "v=",
  "%E0",
  "~",
  ";",
  "*",
  "0123456789",
  "%ff",
  "é",
];

describe("serveAssets under fuzzed request paths", () => {
  it.each([
    ["node:http", startHttp],
    ["Express", startExpress],
    ["Fastify", startFastify],
  ] as const)("never answers 500, never sends the secret, and stays up on %s", async (_name, start) => {
    const { buster } = await setup();
    const { port } = await start(buster);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...PIECES), { maxLength: 12 }), async (pieces) => {
        const path = encodeURI(`/${pieces.join("")}`).replace(/%25/g, "%");
        const reply = await request(port, path);
        expect(reply.status).toBeLessThan(500);
        expect(reply.body.toString()).not.toContain(SECRET);
        expect(reply.body.toString()).not.toContain("TOKEN");
      }),
      { numRuns: 150 },
    );
    expect((await request(port, "/img/car.jpg")).body.toString()).toBe("car");
  });
});

describe("serveAssets and its prefixes", () => {
  it("serves only the URL prefixes it is given", async () => {
    const outer = site({ "assets/a.css": "a{}", "package.json": "{}" });
    const buster = createCacheBuster({ roots: { "/static/": `${outer}/assets`, "/": outer }, trustAfterMs: 5 });
    const { port } = await startHttp(buster, { prefixes: ["/static"] });
    expect((await request(port, "/static/a.css")).status).toBe(200);
    expect((await request(port, "/package.json")).status).toBe(404);
  });
});
