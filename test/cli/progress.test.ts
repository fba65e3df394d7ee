import { describe, expect, it } from "vitest";
import { streamProgress } from "../../src/cli/progress.js";

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (c: string) => chunks.push(c) } as unknown as NodeJS.WriteStream };
}

describe("streamProgress", () => {
  it("prints a line at the first step and per tenth of a phase when the stream is not a terminal", () => {
    const { chunks, stream: s } = stream(false);
    const p = streamProgress(s);
    p.phase("pages", 20);
    for (let i = 0; i < 20; i++) p.tick();
    p.end();
    expect(chunks).toEqual([
      "cache-id: pages 1/20\n",
      ...Array.from({ length: 10 }, (_, i) => `cache-id: pages ${(i + 1) * 2}/20\n`),
    ]);
  });

  it("redraws one line on a terminal at most every 100 ms and clears it at the end", () => {
    const { chunks, stream: s } = stream(true);
    let clock = 1000;
    const p = streamProgress(s, () => clock);
    p.phase("pages", 3);
    p.tick();
    p.tick(); // same instant: not drawn
    clock += 100;
    p.tick();
    p.end();
    expect(chunks).toEqual(["\r\x1b[Kcache-id: pages 1/3", "\r\x1b[Kcache-id: pages 3/3", "\r\x1b[K"]);
  });
});
