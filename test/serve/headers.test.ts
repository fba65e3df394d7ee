import { describe, expect, it } from "vitest";
import { createCacheBuster, type BustMode } from "../../src/index.js";
import { IMMUTABLE, SERVERS, request, settle, sha, site } from "./support.js";

const CAR = "car-bytes";

/** A site with one image, a buster over it that trusts files settled for 5 ms, and the image's hash. */
async function setup(mode: BustMode) {
  const root = site({ "img/car.jpg": CAR });
  await settle([`${root}/img/car.jpg`]);
  const buster = createCacheBuster({ root, mode, trustAfterMs: 5 });
  return { root, buster, hash: sha(CAR) };
}

/** A hash of the right shape that is not the file's. */
const OTHER = "0123456789";

describe.each(SERVERS)("serveAssets on $name", ({ start }) => {
  describe.each(["query", "path"] as const)("in %s mode", (mode) => {
    const busted = (hash: string) => (mode === "query" ? `/img/car.jpg?v=${hash}` : `/img/car.${hash}.jpg`);

    it("answers a URL with the file's current hash as immutable, with its bytes and a strong ETag", async () => {
      const { buster, hash } = await setup(mode);
      const { port } = await start(buster);
      const reply = await request(port, busted(hash));
      expect(reply.status).toBe(200);
      expect(reply.headers["cache-control"]).toBe(IMMUTABLE);
      expect(reply.headers.etag).toBe(`"${hash}"`);
      expect(reply.body.toString()).toBe(CAR);
    });

    it("answers the URL the buster renders as immutable", async () => {
      const { buster } = await setup(mode);
      const { port } = await start(buster);
      const reply = await request(port, buster.url("/img/car.jpg"));
      expect(reply.headers["cache-control"]).toBe(IMMUTABLE);
      expect(reply.body.toString()).toBe(CAR);
    });

    it("answers a URL without a hash with no-cache and the hash as ETag", async () => {
      const { buster, hash } = await setup(mode);
      const { port } = await start(buster);
      const reply = await request(port, "/img/car.jpg");
      expect(reply.status).toBe(200);
      expect(reply.headers["cache-control"]).toBe("no-cache");
      expect(reply.headers.etag).toBe(`"${hash}"`);
    });

    it("answers a mismatched hash with the current bytes marked no-store and without a validator", async () => {
      const { buster } = await setup(mode);
      const { port } = await start(buster);
      const reply = await request(port, busted(OTHER));
      expect(reply.status).toBe(200);
      expect(reply.headers["cache-control"]).toBe("no-store");
      expect(reply.headers.etag).toBeUndefined();
      expect(reply.body.toString()).toBe(CAR);
    });

    it("answers a missing file with 404", async () => {
      const { buster } = await setup(mode);
      const { port } = await start(buster);
      expect((await request(port, busted(OTHER).replace("car", "bus"))).status).toBe(404);
    });
  });
});

describe("serveAssets in path mode", () => {
  it("serves /img/car.<hash>.jpg from car.jpg with no copy on disk", async () => {
    const { root, buster, hash } = await setup("path");
    const { port } = await SERVERS[0].start(buster);
    const reply = await request(port, `/img/car.${hash}.jpg`);
    expect(reply.body.toString()).toBe(CAR);
    expect((await import("node:fs")).readdirSync(`${root}/img`)).toEqual(["car.jpg"]);
  });
});

describe.each(SERVERS.slice(1))("serveAssets in $name", ({ start }) => {
  it("lets a request for no asset go on to the app's routes", async () => {
    const { buster } = await setup("query");
    const { port } = await start(buster);
    const reply = await request(port, "/app-route");
    expect(reply.status).toBe(200);
    expect(reply.body.toString()).toBe("route");
  });

  it("lets a POST go on to the app", async () => {
    const { buster } = await setup("query");
    const { port } = await start(buster);
    expect((await request(port, "/img/car.jpg", {}, "POST")).status).toBe(404);
  });
});

describe("serveAssets on node:http", () => {
  it("answers a POST with 405 and Allow", async () => {
    const { buster } = await setup("query");
    const { port } = await SERVERS[0].start(buster);
    const reply = await request(port, "/img/car.jpg", {}, "POST");
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe("GET, HEAD");
  });
});
