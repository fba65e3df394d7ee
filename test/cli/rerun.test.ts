import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { put, sha, tree } from "../css/fixtures.js";
import { cli } from "./run.js";

const read = (dir: string, path: string) => fs.readFileSync(join(dir, path), "utf8");
const fingerprinted = (name: string, bytes: string) => name.replace(/\.([a-z]+)$/, `.${sha(bytes)}.$1`);

describe("re-running path mode on a tree it already busted", () => {
  it("links the new copy of a stylesheet edited between runs, on every later run", () => {
    const site = tree({ "index.html": '<link rel="stylesheet" href="/css/a.css">', "css/a.css": "a{color:red}" });
    expect(cli([site, "--mode", "path"]).code).toBe(0);
    put(site, "css/a.css", "a{color:red}b{color:blue}");
    const wanted = `<link rel="stylesheet" href="/css/${fingerprinted("a.css", "a{color:red}b{color:blue}")}">`;
    expect(cli([site, "--mode", "path"]).code).toBe(0);
    const second = read(site, "index.html");
    expect(cli([site, "--mode", "path"]).code).toBe(0);
    expect([second, read(site, "index.html")]).toEqual([wanted, wanted]);
  });

  it("links a file that exists after every run, for a stylesheet with url() references", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="/a.css">',
      "a.css": "a{background:url(i.png)}",
      "i.png": "I",
    });
    cli([site, "--mode", "path"]);
    put(site, "i.png", "J");
    cli([site, "--mode", "path"]);
    const href = /href="\/([^"]+)"/.exec(read(site, "index.html"))?.[1] as string;
    expect(fs.existsSync(join(site, href))).toBe(true);
    expect(href).toMatch(/^a\.[0-9a-f]{10}\.css$/);
  });
});
