import { describe, expect, it } from "vitest";
import { createCacheBuster } from "../../src/index.js";
import { IMMUTABLE, request, settle, sha, site, startHttp, write } from "./support.js";

/** A site with one stylesheet (version one), settled, and a buster over it. */
async function setup(mode: "query" | "path" = "query", files: Record<string, string> = {}) {
  const root = site({ "css/site.css": "v1", ...files });
  await settle([`${root}/css/site.css`]);
  return { root, buster: createCacheBuster({ root, mode, trustAfterMs: 5 }) };
}

/** Waits until `check` holds (a background read finishing), bounded. */
async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("condition not reached");
}

describe("serveAssets and a hash that is not the file's", () => {
  it("serves an earlier version it kept in memory, immutable, after the file changed", async () => {
    const { root, buster } = await setup();
    const { port } = await startHttp(buster);
    const old = `/css/site.css?v=${sha("v1")}`;
    await request(port, old);
    // The handler reads the bytes to keep in the background, after its answer.
    await new Promise((r) => setTimeout(r, 300));
    write(root, "css/site.css", "v2");
    await settle([`${root}/css/site.css`]);
    await until(async () => (await request(port, old)).headers["cache-control"] === IMMUTABLE);
    const reply = await request(port, old);
    expect(reply.body.toString()).toBe("v1");
    expect(reply.headers.etag).toBe(`"${sha("v1")}"`);
    expect((await request(port, buster.url("/css/site.css"))).body.toString()).toBe("v2");
  });

  it("answers a mismatched hash with the current bytes, no-store, also once it keeps them in memory", async () => {
    const { root, buster } = await setup();
    const { port } = await startHttp(buster);
    const other = "/css/site.css?v=0123456789";
    await request(port, other); // read from the file; its bytes are kept in the background
    await new Promise((r) => setTimeout(r, 300));
    for (const version of ["v1", "v2"]) {
      const reply = await request(port, other);
      expect(reply.status).toBe(200);
      expect(reply.headers["cache-control"]).toBe("no-store");
      expect(reply.headers.etag).toBeUndefined();
      expect(reply.headers["content-type"]).toBe("text/css; charset=utf-8");
      expect(reply.body.toString()).toBe(version);
      const head = await request(port, other, {}, "HEAD");
      expect(head.headers["content-length"]).toBe(String(version.length));
      expect(head.body.length).toBe(0);
      const range = await request(port, other, { Range: "bytes=1-1" });
      expect(range.status).toBe(206);
      expect(range.body.toString()).toBe(version.slice(1, 2));
      // The current version changes: the kept bytes of the old one must not stand in for it.
      write(root, "css/site.css", "v2");
      await settle([`${root}/css/site.css`]);
    }
  });

  it("keeps no earlier version with versions: false", async () => {
    const { root, buster } = await setup();
    const { port } = await startHttp(buster, { versions: false });
    const old = `/css/site.css?v=${sha("v1")}`;
    await request(port, old);
    await new Promise((r) => setTimeout(r, 50));
    write(root, "css/site.css", "v2");
    await settle([`${root}/css/site.css`]);
    const reply = await request(port, old);
    expect(reply.headers["cache-control"]).toBe("no-store");
    expect(reply.body.toString()).toBe("v2");
  });

  it("serves a fingerprinted copy an earlier build left on disk, in path mode", async () => {
    const { root, buster } = await setup("path", { [`css/site.${sha("v0")}.css`]: "v0" });
    await settle([`${root}/css/site.${sha("v0")}.css`]);
    const { port } = await startHttp(buster);
    const reply = await request(port, `/css/site.${sha("v0")}.css`);
    expect(reply.body.toString()).toBe("v0");
    expect(reply.headers["cache-control"]).toBe(IMMUTABLE);
  });

  it("does not trust a fingerprinted copy whose bytes are not its name's hash", async () => {
    const { root, buster } = await setup("path", { [`css/site.${sha("v0")}.css`]: "tampered" });
    await settle([`${root}/css/site.${sha("v0")}.css`]);
    const { port } = await startHttp(buster);
    const reply = await request(port, `/css/site.${sha("v0")}.css`);
    expect(reply.headers["cache-control"]).toBe("no-store");
    expect(reply.body.toString()).toBe("v1");
  });

  it("redirects to the current URL with mismatch: redirect, and the redirect is not stored", async () => {
    const { buster } = await setup();
    const { port } = await startHttp(buster, { mismatch: "redirect" });
    const reply = await request(port, "/css/site.css?x=1&v=0123456789");
    expect(reply.status).toBe(307);
    expect(reply.headers.location).toBe(`/css/site.css?x=1&v=${sha("v1")}`);
    expect(reply.headers["cache-control"]).toBe("no-store");
  });

  it("redirects to the current fingerprinted name in path mode", async () => {
    const { buster } = await setup("path");
    const { port } = await startHttp(buster, { mismatch: "redirect" });
    const reply = await request(port, "/css/site.0123456789.css");
    expect(reply.headers.location).toBe(`/css/site.${sha("v1")}.css`);
  });
});
