import * as fs from "node:fs";
import { brotliCompressSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { cssTransformer } from "../../src/css/index.js";
import { createCacheBuster } from "../../src/index.js";
import { IMMUTABLE, request, settle, sha, site, startExpress, startHttp, write } from "./support.js";

const SVG = `<svg xmlns="http://www.w3.org/2000/svg"><rect width="10" height="10"/></svg>`.repeat(20);

/** A site with an SVG (and whatever else is given), settled, with a buster over it. */
async function setup(files: Record<string, string | Buffer> = {}, options = {}) {
  const root = site({ "img/logo.svg": SVG, ...files });
  await settle(Object.keys({ "img/logo.svg": 1, ...files }).map((f) => `${root}/${f}`));
  const buster = createCacheBuster({ root, trustAfterMs: 5, ...options });
  return { root, buster, hash: sha(SVG), url: `/img/logo.svg?v=${sha(SVG)}` };
}

describe("serveAssets and HTTP", () => {
  it("answers HEAD with the headers of GET and no body", async () => {
    const { buster, url } = await setup();
    const { port } = await startHttp(buster);
    const reply = await request(port, url, {}, "HEAD");
    expect(reply.status).toBe(200);
    expect(reply.headers["content-length"]).toBe(String(Buffer.byteLength(SVG)));
    expect(reply.headers["cache-control"]).toBe(IMMUTABLE);
    expect(reply.body.length).toBe(0);
  });

  it("answers a Range request with 206 and those bytes", async () => {
    const { buster, url } = await setup();
    const { port } = await startHttp(buster);
    const reply = await request(port, url, { range: "bytes=5-9" });
    expect(reply.status).toBe(206);
    expect(reply.headers["content-range"]).toBe(`bytes 5-9/${Buffer.byteLength(SVG)}`);
    expect(reply.body.toString()).toBe(SVG.slice(5, 10));
  });

  it("answers an unsatisfiable Range with 416", async () => {
    const { buster, url } = await setup();
    const { port } = await startHttp(buster);
    expect((await request(port, url, { range: "bytes=99999-" })).status).toBe(416);
  });

  it("answers If-None-Match with the hash's ETag with 304", async () => {
    const { buster, hash } = await setup();
    const { port } = await startHttp(buster);
    const reply = await request(port, "/img/logo.svg", { "if-none-match": `"${hash}"` });
    expect(reply.status).toBe(304);
    expect(reply.body.length).toBe(0);
  });

  it("answers If-None-Match with another ETag with the file", async () => {
    const { buster } = await setup();
    const { port } = await startHttp(buster);
    expect((await request(port, "/img/logo.svg", { "if-none-match": `"0123456789"` })).status).toBe(200);
  });

  it("names the Content-Type of the file's extension", async () => {
    const { buster, url } = await setup({ "css/a.css": "a{}" });
    const { port } = await startHttp(buster);
    expect((await request(port, url)).headers["content-type"]).toBe("image/svg+xml");
    expect((await request(port, "/css/a.css")).headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("sends the .br sibling to a client that accepts br, with Vary: Accept-Encoding", async () => {
    const { buster, url, hash } = await setup({
      "img/logo.svg.br": brotliCompressSync(SVG),
      "img/logo.svg.gz": gzipSync(SVG),
    });
    const { port } = await startHttp(buster);
    const reply = await request(port, url, { "accept-encoding": "gzip, br" });
    expect(reply.headers["content-encoding"]).toBe("br");
    expect(reply.headers.vary).toBe("Accept-Encoding");
    expect(reply.headers["content-type"]).toBe("image/svg+xml");
    expect(reply.headers["cache-control"]).toBe(IMMUTABLE);
    expect(reply.headers.etag).toBe(`"${hash}-br"`);
    expect(reply.body.equals(brotliCompressSync(SVG))).toBe(true);
  });

  it("sends the .gz sibling to a client that accepts only gzip", async () => {
    const { buster, url } = await setup({
      "img/logo.svg.br": brotliCompressSync(SVG),
      "img/logo.svg.gz": gzipSync(SVG),
    });
    const { port } = await startHttp(buster);
    const reply = await request(port, url, { "accept-encoding": "gzip" });
    expect(reply.headers["content-encoding"]).toBe("gzip");
    expect(reply.body.equals(gzipSync(SVG))).toBe(true);
  });

  it("sends the file itself, with Vary, to a client that accepts no encoding", async () => {
    const { buster, url } = await setup({ "img/logo.svg.gz": gzipSync(SVG) });
    const { port } = await startHttp(buster);
    const reply = await request(port, url);
    expect(reply.headers["content-encoding"]).toBeUndefined();
    expect(reply.headers.vary).toBe("Accept-Encoding");
    expect(reply.body.toString()).toBe(SVG);
  });

  it("ignores a stale .gz sibling whose bytes are not the file's", async () => {
    const { buster, url } = await setup({ "img/logo.svg.gz": gzipSync("an older logo") });
    const { port } = await startHttp(buster);
    const reply = await request(port, url, { "accept-encoding": "gzip" });
    expect(reply.headers["content-encoding"]).toBeUndefined();
    expect(reply.body.toString()).toBe(SVG);
  });

  it("serves a rewritten stylesheet's rewritten bytes under its hash", async () => {
    const css = `body { background: url(/img/logo.svg); }`;
    const { buster } = await setup({ "css/site.css": css }, { transformers: [cssTransformer()] });
    const { port } = await startHttp(buster);
    const url = buster.url("/css/site.css");
    const reply = await request(port, url);
    const expected = css.replace("/img/logo.svg", `/img/logo.svg?v=${sha(SVG)}`);
    expect(reply.body.toString()).toBe(expected);
    expect(url).toBe(`/css/site.css?v=${sha(expected)}`);
    expect(reply.headers["cache-control"]).toBe(IMMUTABLE);
    expect(reply.headers["content-type"]).toBe("text/css; charset=utf-8");
  });

  it("answers a file changed within trustAfterMs with no-store, even with its current hash", async () => {
    const root = site({ "a.txt": "fresh" });
    const buster = createCacheBuster({ root, trustAfterMs: 60_000 });
    const { port } = await startHttp(buster);
    const reply = await request(port, `/a.txt?v=${sha("fresh")}`);
    expect(reply.body.toString()).toBe("fresh");
    expect(reply.headers["cache-control"]).toBe("no-store");
  });

  it("answers an edited file with its new bytes under the new hash at once", async () => {
    const { root, buster } = await setup();
    const { port } = await startHttp(buster);
    write(root, "img/logo.svg", "<svg>new</svg>");
    const reply = await request(port, buster.url("/img/logo.svg"));
    expect(reply.body.toString()).toBe("<svg>new</svg>");
    expect(buster.url("/img/logo.svg")).toBe(`/img/logo.svg?v=${sha("<svg>new</svg>")}`);
  });

  it('serves a file that appears where a URL was missing within the bound of validate: "watch"', async () => {
    const { root, buster } = await setup({}, { validate: "watch" });
    try {
      const { port } = await startHttp(buster);
      expect((await request(port, "/img/logo.svg")).status).toBe(200); // its directory watched from now on
      await new Promise((r) => setTimeout(r, 5));
      expect((await request(port, "/img/new.svg")).status).toBe(404);
      expect((await request(port, "/img/new.svg")).status).toBe(404); // remembered as missing
      write(root, "img/new.svg", "<svg>new</svg>");
      await new Promise((r) => setTimeout(r, 100)); // the bound docs/core.md gives
      const reply = await request(port, "/img/new.svg");
      expect(reply.status).toBe(200);
      expect(reply.body.toString()).toBe("<svg>new</svg>");
    } finally {
      buster.close();
    }
  });

  it("uses the configured Cache-Control values", async () => {
    const { buster, url } = await setup();
    const { port } = await startHttp(buster, {
      immutable: "public, max-age=600",
      revalidate: "public, max-age=0, must-revalidate",
    });
    expect((await request(port, url)).headers["cache-control"]).toBe("public, max-age=600");
    expect((await request(port, "/img/logo.svg")).headers["cache-control"]).toBe("public, max-age=0, must-revalidate");
  });

  it("answers through Express with the same headers as on node:http", async () => {
    const { buster, url } = await setup({ "img/logo.svg.br": brotliCompressSync(SVG) });
    const { port } = await startExpress(buster);
    const reply = await request(port, url, { "accept-encoding": "br" });
    expect(reply.headers["content-encoding"]).toBe("br");
    expect(reply.headers["cache-control"]).toBe(IMMUTABLE);
    expect(fs.existsSync(buster.options.roots[0]!.dir)).toBe(true);
  });
});
