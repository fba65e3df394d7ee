import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CacheBustError, createCacheBuster } from "../../src/index.js";
import { sha, tree } from "../css/fixtures.js";

const path = (root: string) => createCacheBuster({ root, mode: "path" });

describe("path mode", () => {
  it("puts the fingerprint into the file name", () => {
    const root = tree({ "img/car.jpg": "car", "dl/x.tar.gz": "tgz", LICENSE: "mit" });
    const b = path(root);
    expect(b.url("/img/car.jpg")).toBe(`/img/car.${sha("car")}.jpg`);
    expect(b.url("/dl/x.tar.gz")).toBe(`/dl/x.tar.${sha("tgz")}.gz`);
    expect(b.url("/LICENSE")).toBe(`/LICENSE.${sha("mit")}`);
  });

  it("keeps the query, the fragment and a relative spelling", () => {
    const root = tree({ "img/icons.svg": "svg" });
    expect(path(root).url("icons.svg?x=1#home", "/img/page.html")).toBe(`icons.${sha("svg")}.svg?x=1#home`);
  });

  it("keeps the caller's percent-encoding", () => {
    const root = tree({ "my car.jpg": "car" });
    expect(path(root).url("/my%20car.jpg")).toBe(`/my%20car.${sha("car")}.jpg`);
  });

  it("returns a URL that carries the current fingerprint unchanged", () => {
    const root = tree({ "img/car.jpg": "car" });
    const busted = `/img/car.${sha("car")}.jpg`;
    expect(path(root).url(busted)).toBe(busted);
  });

  it("replaces a stale fingerprint with the current one", () => {
    const root = tree({ "img/car.jpg": "car" });
    expect(path(root).url("/img/car.0123456789.jpg")).toBe(`/img/car.${sha("car")}.jpg`);
  });

  it("fingerprints a file whose own name looks fingerprinted, once", () => {
    const root = tree({ "app.0123456789.js": "app" });
    const b = path(root);
    const busted = b.url("/app.0123456789.js");
    expect(busted).toBe(`/app.0123456789.${sha("app")}.js`);
    expect(b.url(busted)).toBe(busted);
  });

  it("returns the name of a file that is its own fingerprinted copy unchanged", () => {
    const name = `car.${sha("car")}.jpg`;
    const root = tree({ [name]: "car" });
    expect(path(root).url(`/${name}`)).toBe(`/${name}`);
  });

  it("reports a fingerprinted URL of a missing file as missing, naming the file tried", () => {
    const root = tree();
    let caught: unknown;
    try {
      path(root).url("/img/gone.0123456789.jpg");
    } catch (error) {
      caught = error;
    }
    expect((caught as CacheBustError).code).toBe("MISSING_FILE");
    expect((caught as CacheBustError).message).toContain(join(root, "img/gone.jpg"));
  });

  it("lists fingerprinted names and busted URLs in entries()", () => {
    const root = tree({ "my car.jpg": "car" });
    const b = path(root);
    b.url("/my%20car.jpg");
    expect(
      b.entries().map(({ urlPath, busted, fingerprinted, hash }) => ({ urlPath, busted, fingerprinted, hash })),
    ).toEqual([
      {
        urlPath: "/my car.jpg",
        busted: `/my%20car.${sha("car")}.jpg`,
        fingerprinted: `/my car.${sha("car")}.jpg`,
        hash: sha("car"),
      },
    ]);
  });

  it("gives the new fingerprint after the file changes", () => {
    const root = tree({ "a.css": "v1" });
    const b = createCacheBuster({ root, mode: "path", validate: "once" });
    expect(b.url("/a.css")).toBe(`/a.${sha("v1")}.css`);
    fs.writeFileSync(join(root, "a.css"), "v2!");
    b.refresh();
    expect(b.url(`/a.${sha("v1")}.css`)).toBe(`/a.${sha("v2!")}.css`);
  });
});
