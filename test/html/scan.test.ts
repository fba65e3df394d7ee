import { describe, expect, it } from "vitest";
import type { Edit } from "../../src/css/edits.js";
import { htmlEdits, parsedElements } from "../../src/html/rewrite.js";
import { scanElements } from "../../src/html/scan.js";

/** What a reading of a page did: the edits, every URL offered with its offset, the `<base>` seen. */
function reading(html: string, read: typeof parsedElements) {
  const offered: string[] = [];
  const bases: Array<string | undefined> = [];
  const edits = htmlEdits(
    html,
    {
      bustFor: (base) => {
        bases.push(base);
        return (url, offset) => {
          offered.push(`${offset}:${url}`);
          return url.endsWith(".png") || url.endsWith(".css") || url.endsWith(".js") ? `${url}?v=1` : undefined;
        };
      },
      integrityFor: () => (url) => `sha384-${url.length}`,
      onCssError: () => offered.push("css error"),
    },
    read,
  );
  const order = (a: Edit, b: Edit) => a.start - b.start || a.end - b.end;
  return { edits: [...edits].sort(order), offered: offered.sort(), bases };
}

/** Both readers on one page: equal whenever the fast one accepts it; whether it did. */
function compare(html: string): boolean {
  const fast = scanElements(html);
  if (fast === undefined) return false;
  expect(
    reading(html, () => fast),
    html,
  ).toEqual(reading(html, parsedElements));
  return true;
}

/** A deterministic stream of numbers in [0, 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Pieces of pages, ordinary and odd, that random pages are made of.
const PIECES = [
  "<!doctype html>",
  "<html lang=en>",
  "<head>",
  "</head>",
  "<body>",
  "<p>text ",
  "</p>",
  "\r\n",
  "\n",
  " ",
  "x",
  "<",
  ">",
  "=",
  '"',
  "'",
  "/",
  "&amp;",
  "<img src=a.png>",
  '<IMG SRC="b.png" alt=x>',
  "<img src = 'c.png' src=d.png>",
  "<img\nsrc=e.png/>",
  '<img src="f.png"/alt=1>',
  "<img src=g.png?x=1>",
  '<img srcset="a.png 1x, b.png 2x">',
  "<img src=",
  '<img alt="',
  "<source srcset=h.png>",
  '<script src="s.js" integrity="sha384-x"></script>',
  "<script>if (a < b) x = '</p>';</script>",
  "<script><!-- <img src=n.png> --></script>",
  "</script >",
  "<script><!--<script>",
  "-->",
  '<link rel="stylesheet" href="l.css">',
  "<link rel=preload as=fetch href=p.png>",
  "<link rel=icon href=i.png>",
  "<a href=a.png>",
  "<b style='background:url(b.png)'>",
  '<div style="background: url(d.png)">',
  "<style>p { background: url(st.png) }</style>",
  "<style>",
  "</style>",
  "<title><img src=t.png></title>",
  "<textarea><img src=ta.png></textarea>",
  "<!-- <img src=c1.png> -->",
  "<!---->",
  "<!-->",
  "<!--->",
  "<!-- a --!> <img src=c2.png>",
  "<!x <img src=b1.png>",
  "<? php ?>",
  "</x <img src=e1.png>>",
  '</div title=">">',
  "</>",
  "<![CDATA[ <img src=cd.png> ]]>",
  "<table><td background=bg.png>x</td></table>",
  "<td background=bg2.png>",
  "<svg><use href=u.png /></svg>",
  "<template><img src=tp.png></template>",
  "<select><img src=sel.png></select>",
  "<base href=/b/>",
  "<video poster=v.png data-src=vd.png></video>",
  "<meta property=og:image content=og.png>",
  "<noscript><img src=ns.png></noscript>",
  "<iframe><img src=if.png></iframe>",
  "<object data=o.png></object>",
  "<input type=image src=in.png>",
  "\uFEFF",
  "<img src=\u212a.png>",
  "<lin\u212a rel=stylesheet href=k.css>",
];

describe("the fast HTML reader", () => {
  it("reads a plain page as parse5 does", () => {
    const html =
      '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>T</title>\n<link rel="stylesheet" href="/a.css">\n<script src="/a.js" defer></script></head>\n<body><img src="/a.png" alt=""><a href="/">Home</a></body></html>\n';
    expect(compare(html)).toBe(true);
    expect(reading(html, parsedElements).edits).toHaveLength(3);
  });

  it("leaves to parse5 the pages whose elements only a tree can tell", () => {
    for (const html of [
      "<svg><image href=a.png /></svg>",
      "<template><img src=a.png></template>",
      "<select><img src=a.png></select>",
      "<td background=a.png>",
      "<b style='background:url(a.png)'><p>x</b>",
      "<body><body background=a.png>",
      '<img src="a.png?x=1&amp;y=2">',
      "<base href=/a/><base href=/b/>",
      "<script><!--<script></script>--></script><img src=a.png>",
    ])
      expect(scanElements(html), html).toBeUndefined();
  });

  it("finds the same elements, URLs and edits as parse5 on random pages it accepts", () => {
    const random = prng(13);
    let accepted = 0;
    for (let n = 0; n < 4000; n++) {
      let html = "";
      const length = 1 + Math.floor(random() * 12);
      for (let k = 0; k < length; k++) html += PIECES[Math.floor(random() * PIECES.length)];
      if (compare(html)) accepted++;
    }
    // Most random pages hold something only parse5 can read; enough must take the fast way.
    expect(accepted).toBeGreaterThan(1000);
  });
});
