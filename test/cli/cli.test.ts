import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { put, sha, snapshot, tree } from "../css/fixtures.js";
import { cli } from "./run.js";

const read = (dir: string, path: string) => fs.readFileSync(join(dir, path), "utf8");

describe("cache-id <dir>", () => {
  it("busts src, srcset, poster, link href, inline style and <style> and keeps every other byte", () => {
    const page = [
      "<!DOCTYPE html>\r\n<html><head>",
      '<link  REL="stylesheet"  href="/s.css" >',
      "<style>\r\n  .a { background: url(a.png) }\r\n</style></head>",
      '<body><img src=\'a.png\' srcset="a.png 1x,\n  b.png 2x" alt="a &amp; b">',
      '<video poster="b.png"><source src="/a.png" type="video/mp4"></video>',
      '<div style="background:url(&quot;b.png&quot;)">x</div>',
      "</body></html>\n",
    ].join("\n");
    const site = tree({ "index.html": page, "s.css": "a{}", "a.png": "A", "b.png": "B" });
    expect(cli([site]).code).toBe(0);
    const a = sha("A");
    const b = sha("B");
    const expected = page
      .replace('href="/s.css"', `href="/s.css?v=${sha("a{}")}"`)
      .replace("url(a.png)", `url(a.png?v=${a})`)
      .replace("src='a.png'", `src='a.png?v=${a}'`)
      .replace('srcset="a.png 1x,\n  b.png 2x"', `srcset="a.png?v=${a} 1x,\n  b.png?v=${b} 2x"`)
      .replace('poster="b.png"', `poster="b.png?v=${b}"`)
      .replace('src="/a.png"', `src="/a.png?v=${a}"`)
      .replace("url(&quot;b.png&quot;)", `url(&quot;b.png?v=${b}&quot;)`);
    expect(read(site, "index.html")).toBe(expected);
  });

  it("leaves page links, canonical and feed links, external and data: URLs alone", () => {
    const page = [
      '<link rel="canonical" href="/a.png"><link rel="alternate" type="application/rss+xml" href="/feed.xml">',
      '<a href="/a.png">a</a><a href="/blog/">b</a><a href="/about.html">c</a><iframe src="/a.png"></iframe>',
      '<img src="https://cdn.example/a.png"><img src="//cdn.example/a.png"><img src="data:image/png;base64,AA"><img src="#x">',
    ].join("");
    const site = tree({ "index.html": page, "a.png": "A", "feed.xml": "<rss/>", "about.html": "" });
    const r = cli([site, "--json"]);
    expect(read(site, "index.html")).toBe(page);
    expect(JSON.parse(r.stdout)).toMatchObject({ references: 0, problems: [] });
  });

  it("keeps character references and quotes an unquoted value that gains an =", () => {
    const page = '<img src="/a.png?x=1&amp;y=2"><img src=/a.png><link rel=icon href=/a.png?s=1>';
    const site = tree({ "index.html": page, "a.png": "A" });
    cli([site]);
    const a = sha("A");
    expect(read(site, "index.html")).toBe(
      `<img src="/a.png?x=1&amp;y=2&amp;v=${a}"><img src="/a.png?v=${a}"><link rel=icon href="/a.png?s=1&amp;v=${a}">`,
    );
  });

  it("leaves an unquoted value unquoted in path mode", () => {
    const site = tree({ "index.html": "<img src=/a.png>", "a.png": "A" });
    cli([site, "--mode", "path"]);
    expect(read(site, "index.html")).toBe(`<img src=/a.${sha("A")}.png>`);
  });

  it("resolves relative URLs against the page and its <base href>", () => {
    const site = tree({
      "blog/post.html": '<img src="a.png"><img src="../a.png">',
      "b/index.html": '<base href="/blog/"><img src="a.png">',
      "a.png": "root",
      "blog/a.png": "blog",
    });
    cli([site]);
    expect(read(site, "blog/post.html")).toBe(
      `<img src="a.png?v=${sha("blog")}"><img src="../a.png?v=${sha("root")}">`,
    );
    expect(read(site, "b/index.html")).toBe(`<base href="/blog/"><img src="a.png?v=${sha("blog")}">`);
  });

  it("serves the site under --base and leaves other root-relative URLs alone", () => {
    const site = tree({
      "index.html": '<img src="/repo/img/a.png"><img src="/other/a.png"><img src="img/a.png">',
      "img/a.png": "A",
    });
    const manifest = join(site, "m.json");
    const r = cli([site, "--base", "/repo", "--mode", "path", "--manifest", manifest, "--json"]);
    const a = sha("A");
    expect(read(site, "index.html")).toBe(
      `<img src="/repo/img/a.${a}.png"><img src="/other/a.png"><img src="img/a.${a}.png">`,
    );
    expect(fs.existsSync(join(site, `img/a.${a}.png`))).toBe(true);
    expect(JSON.parse(read(site, "m.json"))).toEqual({ "/repo/img/a.png": { url: `/repo/img/a.${a}.png`, hash: a } });
    expect(JSON.parse(r.stdout).problems).toEqual([]);
  });

  it("finds pages and files whose names need percent-encoding", () => {
    const site = tree({
      "my dir/100%.html": '<img src="café.png"><img src="caf%C3%A9.png"><img src="../a%20b.png">',
      "my dir/café.png": "C",
      "a b.png": "AB",
    });
    expect(cli([site, "--json"]).code).toBe(0);
    expect(read(site, "my dir/100%.html")).toBe(
      `<img src="café.png?v=${sha("C")}"><img src="caf%C3%A9.png?v=${sha("C")}"><img src="../a%20b.png?v=${sha("AB")}">`,
    );
  });

  it("busts absolute URLs on the site's own origin when --base is a full URL", () => {
    const page =
      '<base href="https://example.com/blog/"><link rel="stylesheet" href="https://example.com/s.css"><img src="//EXAMPLE.com/a.png"><img src="a.png"><img src="https://other.example/a.png"><a href="https://example.com/a.png">a</a>';
    const site = tree({
      "index.html": page,
      "s.css": ".a{background:url(https://example.com/a.png)}",
      "a.png": "A",
      "blog/a.png": "B",
    });
    expect(cli([site, "--base", "https://example.com"]).code).toBe(0);
    const css = read(site, "s.css");
    expect(css).toBe(`.a{background:url(https://example.com/a.png?v=${sha("A")})}`);
    expect(read(site, "index.html")).toBe(
      `<base href="https://example.com/blog/"><link rel="stylesheet" href="https://example.com/s.css?v=${sha(css)}"><img src="//EXAMPLE.com/a.png?v=${sha("A")}"><img src="a.png?v=${sha("B")}"><img src="https://other.example/a.png"><a href="https://example.com/a.png">a</a>`,
    );
  });

  it("busts inside <template> and <noscript>", () => {
    const site = tree({
      "index.html": '<template><img src="a.png"></template><noscript><img src="a.png"></noscript>',
      "a.png": "A",
    });
    cli([site]);
    expect(read(site, "index.html")).toBe(
      `<template><img src="a.png?v=${sha("A")}"></template><noscript><img src="a.png?v=${sha("A")}"></noscript>`,
    );
  });

  it("keeps the bytes of a page that is not UTF-8", () => {
    const page = Buffer.concat([Buffer.from("<p>caf"), Buffer.from([0xe9]), Buffer.from('</p><img src="a.png">')]);
    const site = tree({ "index.html": page, "a.png": "A" });
    cli([site]);
    expect(
      fs
        .readFileSync(join(site, "index.html"))
        .equals(Buffer.concat([page.subarray(0, page.length - 2), Buffer.from(`?v=${sha("A")}">`)])),
    ).toBe(true);
  });

  it("rewrites stylesheets in place and names each by the hash of its rewritten text", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="css/s.css">',
      "css/s.css": "@font-face{src:url(../f.woff2)}",
      "f.woff2": "F",
    });
    cli([site]);
    const css = read(site, "css/s.css");
    expect(css).toBe(`@font-face{src:url(../f.woff2?v=${sha("F")})}`);
    expect(read(site, "index.html")).toBe(`<link rel="stylesheet" href="css/s.css?v=${sha(css)}">`);
  });

  it("recomputes the integrity of a stylesheet it rewrote and leaves a correct one as written", () => {
    const sri = (algorithm: string, text: string) =>
      `${algorithm}-${createHash(algorithm).update(text).digest("base64")}`;
    const css = ".a{background:url(a.png)}";
    const js = "console.log(1)";
    const page = `<link rel="stylesheet" href="/s.css" integrity="${sri("sha384", css)}  ${sri("sha512", css)}" crossorigin><script src="/a.js" integrity="${sri("sha256", js)}"></script>`;
    const site = tree({ "index.html": page, "s.css": css, "a.png": "A", "a.js": js });
    cli([site]);
    const served = read(site, "s.css");
    expect(served).not.toBe(css);
    expect(read(site, "index.html")).toBe(
      `<link rel="stylesheet" href="/s.css?v=${sha(served)}" integrity="${sri("sha384", served)} ${sri("sha512", served)}" crossorigin><script src="/a.js?v=${sha(js)}" integrity="${sri("sha256", js)}"></script>`,
    );
  });

  it("gives the stylesheet a new URL in every page when a font it uses changes", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="/s.css">',
      "s.css": "@font-face{src:url(f.woff2)}",
      "f.woff2": "font v1",
    });
    cli([site]);
    const first = read(site, "index.html");
    put(site, "f.woff2", "font v2");
    cli([site]);
    const css = read(site, "s.css");
    expect(css).toBe(`@font-face{src:url(f.woff2?v=${sha("font v2")})}`);
    expect(read(site, "index.html")).not.toBe(first);
    expect(read(site, "index.html")).toBe(`<link rel="stylesheet" href="/s.css?v=${sha(css)}">`);
  });

  it("terminates on an @import cycle", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="/a.css">',
      "a.css": '@import "b.css";',
      "b.css": '@import "a.css";',
    });
    expect(cli([site]).code).toBe(0);
    expect(read(site, "index.html")).toMatch(/^<link rel="stylesheet" href="\/a\.css\?v=[0-9a-f]{10}">$/);
  });

  it("gives the same tree when run twice, in query mode", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="/s.css"><img src="a.png">',
      "s.css": ".a{background:url(a.png)}",
      "a.png": "A",
    });
    cli([site, "--manifest", join(site, "manifest.json")]);
    const once = snapshot(site);
    const r = cli([site, "--manifest", join(site, "manifest.json"), "--json"]);
    expect(snapshot(site)).toEqual(once);
    expect(JSON.parse(r.stdout)).toMatchObject({ changed: 0, filesChanged: [], manifestChanged: false });
  });

  it("gives the same tree when run twice, in path mode", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="/css/s.css"><img src="a.png">',
      "css/s.css": ".a{background:url(../a.png)}",
      "a.png": "A",
    });
    cli([site, "--mode", "path"]);
    const once = snapshot(site);
    cli([site, "--mode", "path"]);
    expect(snapshot(site)).toEqual(once);
  });

  it("writes fingerprinted copies in path mode and keeps the originals", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="/css/s.css"><img src="a.png">',
      "css/s.css": ".a{background:url(../a.png)}",
      "a.png": "A",
    });
    cli([site, "--mode", "path"]);
    const css = `.a{background:url(../a.${sha("A")}.png)}`;
    expect(read(site, "index.html")).toBe(
      `<link rel="stylesheet" href="/css/s.${sha(css)}.css"><img src="a.${sha("A")}.png">`,
    );
    expect(Object.keys(snapshot(site)).sort()).toEqual(
      ["a.png", `a.${sha("A")}.png`, "css/s.css", `css/s.${sha(css)}.css`, "index.html"].sort(),
    );
    expect(read(site, `css/s.${sha(css)}.css`)).toBe(css);
    expect(read(site, "css/s.css")).toBe(css);
    expect(read(site, `a.${sha("A")}.png`)).toBe("A");
  });

  it("never rewrites a fingerprinted copy, so its name keeps matching its bytes", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="/s.css">',
      "s.css": ".a{background:url(a.png)}",
      "a.png": "A",
    });
    cli([site, "--mode", "path"]);
    const copy = Object.keys(snapshot(site)).find((n) => /^s\.[0-9a-f]{10}\.css$/.test(n)) as string;
    const bytes = read(site, copy);
    put(site, "a.png", "A2");
    cli([site, "--mode", "path"]);
    cli([site]);
    expect(read(site, copy)).toBe(bytes);
    expect(copy).toBe(`s.${sha(bytes)}.css`);
  });

  it("changes no byte with --dry-run and says what it would change", () => {
    const site = tree({ "index.html": '<img src="a.png">', "s.css": ".a{background:url(a.png)}", "a.png": "A" });
    const before = snapshot(site);
    const r = cli([site, "--dry-run", "--mode", "path", "--manifest", join(site, "m.json")]);
    expect(snapshot(site)).toEqual(before);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("would rewrite 2 files");
  });

  it("reports missing references with file, line and column, and still busts the rest", () => {
    const site = tree({
      "blog/index.html": '<p>\n  <img src="gone.png"><img src="/a.png">',
      "s.css": "\n.a{background:url(nope.png)}",
      "a.png": "A",
    });
    const r = cli([site]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("blog/index.html:2:13  gone.png  MISSING_FILE");
    expect(r.stdout).toContain("s.css:2:19  nope.png  MISSING_FILE");
    expect(read(site, "blog/index.html")).toContain(`/a.png?v=${sha("A")}`);
  });

  it("reports a stylesheet with an unclosed string as CSS_SYNTAX at its line and column", () => {
    const site = tree({
      "index.html": '<link rel="stylesheet" href="s.css">',
      "s.css": '.a{}\n.b{background:url("b.png)}',
    });
    const r = cli([site, "--json"]);
    expect(JSON.parse(r.stdout).problems).toEqual(
      expect.arrayContaining([expect.objectContaining({ file: "s.css", line: 2, column: 19, code: "CSS_SYNTAX" })]),
    );
  });

  it("writes nothing and exits 1 under --strict when a reference is missing", () => {
    const site = tree({ "index.html": '<img src="gone.png"><img src="a.png">', "a.png": "A" });
    const before = snapshot(site);
    const r = cli([site, "--strict"]);
    expect(r.code).toBe(1);
    expect(snapshot(site)).toEqual(before);
  });

  it("writes the manifest with sorted keys, busted URLs and hashes", () => {
    const site = tree({ "index.html": '<img src="/b.png"><img src="/a.png">', "a.png": "A", "b.png": "B" });
    const manifest = join(site, "out/manifest.json");
    cli([site, "--mode", "path", "--manifest", manifest]);
    expect(fs.readFileSync(manifest, "utf8")).toBe(
      `${JSON.stringify({ "/a.png": { url: `/a.${sha("A")}.png`, hash: sha("A") }, "/b.png": { url: `/b.${sha("B")}.png`, hash: sha("B") } }, null, 2)}\n`,
    );
  });

  it("removes temporary files an interrupted run left behind", () => {
    const site = tree({ "index.html": "<p>", ".0123456789ab.cache-id.tmp": "half a page" });
    cli([site]);
    expect(Object.keys(snapshot(site))).toEqual(["index.html"]);
  });
});

describe("cache-id on bad input", () => {
  it.each([
    [["/nonexistent/cache-id-site"], "no such directory"],
    [[], "missing the site directory"],
    [["a", "b"], "expected one site directory"],
    [[".", "--mode", "hash"], "--mode must be query or path"],
    [[".", "--frobnicate"], "--frobnicate"],
    [[".", "--length", "0"], "--length must be a whole number"],
    [[".", "--base", "repo/"], "--base must be a URL path"],
    [[".", "--base", "ftp://example.com/"], "--base must be an http(s) URL"],
  ])("exits 2 with a clear message for %j", (args, message) => {
    const r = cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("prints the usage and exits 0 with --help", () => {
    const r = cli(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: cache-id <dir> \[options\]/);
  });

  it("exits 2 when the site directory is a file", () => {
    const site = tree({ "index.html": "<p>" });
    const r = cli([join(site, "index.html")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("not a directory");
  });

  it("exits 2 naming the option for an unknown hash algorithm", () => {
    const r = cli([tree(), "--algorithm", "nope"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--algorithm");
  });
});

describe("progress", () => {
  it("is shown on stderr with --progress", () => {
    const site = tree({ "index.html": '<img src="a.png">', "a.png": "A" });
    expect(cli([site, "--progress"]).stderr).toContain("cache-id: pages 1/1");
  });

  it("is not shown when stderr is not a terminal", () => {
    const site = tree({ "index.html": '<img src="a.png">', "a.png": "A" });
    expect(cli([site]).stderr).toBe("");
  });
});
