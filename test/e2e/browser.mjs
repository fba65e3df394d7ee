// Headless Chromium (the Debian package, never a downloaded browser) driven by
// playwright-core, and what a page shows once loaded.
import fs from "node:fs";
import { chromium } from "playwright-core";
import { isAlive, withTimeout } from "./support.mjs";

/** The Debian package's Chromium. */
export const CHROMIUM = "/usr/bin/chromium";

// Quiet, loopback-only browsing: no background traffic, no QUIC, no GPU in a container.
// Playwright adds a fresh --user-data-dir of its own (a new temporary profile per launch).
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Launches headless Chromium and connects to it over a WebSocket on 127.0.0.1; registers
 * its stop with `cleanup`: a graceful close, then SIGKILL to its pid (and the process group
 * it leads) should it still be running. Resolves to `{ browser, pid }`.
 */
export async function launchBrowser({ cleanup, timeoutMs = 60000 }) {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  // A browser server, unlike a plain launch, tells us the pid of the process it started.
  const server = await chromium.launchServer({
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    timeout: timeoutMs,
    host: "127.0.0.1",
    port: 0,
    // We stop it ourselves, by pid, in the clean-up.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  const pid = server.process().pid;
  cleanup.add(`chromium (pid ${pid})`, async () => {
    await withTimeout(server.close(), 10000, "closing chromium").catch(() => {});
    if (pid !== undefined && isAlive(pid)) {
      try {
        process.kill(-pid, "SIGKILL"); // Playwright starts it as a process group leader.
      } catch {
        process.kill(pid, "SIGKILL");
      }
    }
  });
  const browser = await chromium.connect(server.wsEndpoint(), { timeout: timeoutMs });
  return { browser, pid };
}

/**
 * Opens `url` in `page` and reports what the page got: the body's computed background
 * colour (set by the stylesheet), the image matched by `imageSelector` (its URL, the
 * SHA-256 of the bytes the browser holds for it), the stylesheet's URL, and whether each
 * came from the browser's own cache.
 */
export async function readPage(page, url, { imageSelector, stylesheetSelector, timeoutMs = 30000 }) {
  const response = await page.goto(url, { waitUntil: "load", timeout: timeoutMs });
  if (!response || !response.ok()) {
    throw new Error(`${url}: HTTP ${response ? response.status() : "no response"}`);
  }
  // `evaluate` has no timeout of its own.
  return withTimeout(
    page.evaluate(
      async ({ imageSelector, stylesheetSelector }) => {
        const img = document.querySelector(imageSelector);
        const link = document.querySelector(stylesheetSelector);
        if (!img || !link) throw new Error(`${location.href}: no ${img ? stylesheetSelector : imageSelector}`);
        await img.decode();
        // The bytes the browser holds for the image's URL, from its cache only (never the network).
        const cached = await fetch(img.currentSrc, { cache: "only-if-cached", mode: "same-origin" });
        const digest = await crypto.subtle.digest("SHA-256", await cached.arrayBuffer());
        const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
        // A resource served by the browser's HTTP cache transferred nothing over the network.
        const fromBrowserCache = (href) => {
          const entry = performance.getEntriesByName(href, "resource")[0];
          return entry ? entry.transferSize === 0 : undefined;
        };
        return {
          background: getComputedStyle(document.body).backgroundColor,
          stylesheet: link.href,
          stylesheetFromBrowserCache: fromBrowserCache(link.href),
          image: img.currentSrc,
          imageSha256: hex,
          imageFromBrowserCache: fromBrowserCache(img.currentSrc),
        };
      },
      { imageSelector, stylesheetSelector },
    ),
    timeoutMs,
    `reading ${url}`,
  );
}
