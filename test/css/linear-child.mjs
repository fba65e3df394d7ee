// Run by linear.test.ts in a process of its own: times rewriteCss on texts of n and 4n
// characters of one shape, interleaved, and prints the ratio of the fastest runs as JSON (on a
// busy machine other work only adds time, so the fastest run is the least disturbed one). Run
// with --single-threaded, so that the CPU time measured is this thread's.
import { rewriteCss } from "cache-id/css";

const [warm, name, size] = [process.argv[2] === "warm", process.argv[3], Number(process.argv[4])];
const bust = (ref) => `${ref.url}?v=1`;

/** Shapes of text that once cost time in proportion to the square of their length. */
const shapes = {
  // The issue's: unclosed "(" (refused past the nesting limit; the refusal must be linear too).
  openParens: (n) => `a{b:${"(".repeat(n)}}`,
  emptyParens: (n) => `a{b:${"()".repeat(n / 2)}}`,
  unquotedUrls: (n) => `a{b:${"url(a)".repeat(n / 6)}}`,
  spaceThenDashes: (n) => `a{${" ".repeat(n / 2)}x${"--".repeat(n / 4)}}`,
  spaceThenAts: (n) => `a{${" ".repeat(n / 2)}x${"@".repeat(n / 2)}}`,
  commentsThenAts: (n) => `a{${"/**/".repeat(n / 8)}x${"@".repeat(n / 2)}}`,
  slashInParens: (n) => `a{b:${"(/)".repeat(n / 3)}}`,
  manyUrls: (n) => `.a{background:${"url(a.png),".repeat(n / 11)}url(b.png)}`,
  manyDeclarations: (n) => `.a{${"b:url(a.png);".repeat(n / 13)}}`,
  nestedImageSets: (n) =>
    `.a{b:${"image-set(".repeat(Math.min(n / 10, 900))}"a.png" 1x${")".repeat(Math.min(n / 10, 900))}${" url(c.png)".repeat(n / 11)}}`,
};

/**
 * CPU time, not wall-clock time: on a machine shared with other work, a run longer than the
 * scheduler's time slice waits for the processor, and only the wall clock counts the wait.
 */
function time(css) {
  const start = process.cpuUsage();
  try {
    rewriteCss(css, bust, "x.css");
  } catch (error) {
    if (error?.code !== "CSS_SYNTAX") throw error;
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

if (warm) {
  for (let i = 0; i < 2000; i++) {
    rewriteCss(
      `.a${i}{color:red;background:url(img/${i}.png) no-repeat}\n@media (min-width:${i}px){.b{background:image-set("x${i}.png" 1x, url(y.png) 2x)}}\n.c{--x:{a:b};width:calc(100% - ${i}px)}\n@import "i${i}.css";`,
      bust,
    );
  }
}
const make = shapes[name];
const [small, large] = [make(size), make(4 * size)];
const ts = [];
const tl = [];
for (let round = 0; round < 7; round++) {
  ts.push(time(small));
  tl.push(time(large));
}
const [fastSmall, fastLarge] = [Math.min(...ts), Math.min(...tl)];
console.log(JSON.stringify({ small: fastSmall, large: fastLarge, ratio: fastLarge / fastSmall }));
