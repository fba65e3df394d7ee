// Deterministic asset files for the benchmarks: the same names, sizes and bytes on every run,
// so that figures from different runs (and machines) describe the same work.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/**
 * A small seeded PRNG (mulberry32): returns floats in [0, 1).
 * @example const rnd = prng(42); rnd(); // 0.6011...
 */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` pseudo-random bytes derived from `label` (SHAKE256 as a keyed byte stream). */
export function bytesFor(label, length) {
  return createHash("shake256", { outputLength: length }).update(label).digest();
}

// What a site's asset folder looks like: mostly images, some scripts, styles and fonts.
const KINDS = [
  { dir: "img", ext: "png", share: 0.4 },
  { dir: "img", ext: "jpg", share: 0.2 },
  { dir: "img", ext: "svg", share: 0.1 },
  { dir: "js", ext: "js", share: 0.15 },
  { dir: "css", ext: "css", share: 0.1 },
  { dir: "fonts", ext: "woff2", share: 0.05 },
];

/** Valid CSS of at least `size` bytes; its `url()`s point at images of the set. */
function cssText(label, size, images) {
  const rnd = prng(bytesFor(label, 4).readUInt32LE(0));
  let out = `/* ${label} */\n`;
  let i = 0;
  while (out.length < size) {
    const rule = `.c${i} { color: #${bytesFor(`${label}:${i}`, 3).toString("hex")}; margin: ${i % 17}px ${i % 5}px; }\n`;
    // One rule in eight has a background image, as a real stylesheet would.
    const image = images.length > 0 && i % 8 === 0 ? images[Math.floor(rnd() * images.length)] : undefined;
    out += image ? `.b${i} { background: url(../img/${path.posix.basename(image)}) no-repeat; }\n` : rule;
    i++;
  }
  return out; // whole rules only: a stylesheet cut mid-rule would not parse
}

/**
 * Text of about `size` bytes that is a valid ES module importing up to two of `earlier` (URL
 * paths of the scripts written before it, in the same directory), as an unbundled app's modules
 * import their helpers: the imports form no cycle.
 */
function jsText(label, size, earlier) {
  const rnd = prng(bytesFor(label, 4).readUInt32LE(0));
  let out = `// ${label}\n`;
  for (let k = 0; k < 2 && earlier.length > 0; k++)
    out += `import { v0 as i${k} } from "./${path.posix.basename(earlier[Math.floor(rnd() * earlier.length)])}";\n`;
  for (let i = 0; out.length < size; i++)
    out += `export const v${i} = "${bytesFor(`${label}:${i}`, 24).toString("base64")}";\n`;
  return out;
}

/** Text of about `size` bytes that is a valid SVG image. */
function svgText(label, size) {
  let out = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><!-- ${label} -->\n`;
  for (let i = 0; out.length < size - 7; i++) {
    const b = bytesFor(`${label}:${i}`, 4);
    out += `<circle cx="${b[0] % 100}" cy="${b[1] % 100}" r="${(b[2] % 20) + 1}" fill="#${b.toString("hex", 0, 3)}"/>\n`;
  }
  return `${out}</svg>\n`;
}

/**
 * Plans `count` assets with sizes spread uniformly over [minKB, maxKB] KB: URL paths
 * (`/assets/img/a0001.png`) and sizes, without touching the disk.
 */
export function planAssets({ count, minKB = 1, maxKB = 50, seed = 1 }) {
  const rnd = prng(seed);
  const assets = [];
  let k = 0;
  for (const kind of KINDS) {
    const n = kind === KINDS[KINDS.length - 1] ? count - assets.length : Math.round(count * kind.share);
    for (let i = 0; i < n; i++, k++) {
      const name = `a${String(k).padStart(4, "0")}.${kind.ext}`;
      const size = Math.round((minKB + rnd() * (maxKB - minKB)) * 1024);
      assets.push({ urlPath: `/assets/${kind.dir}/${name}`, size, ext: kind.ext });
    }
  }
  return assets;
}

/**
 * Writes planned assets under `root` (URL path `/assets/x` -> `root/assets/x`) and returns
 * them with their absolute file paths and total size.
 */
export function writeAssets(root, assets) {
  const images = assets.filter((a) => a.ext === "png" || a.ext === "jpg").map((a) => a.urlPath);
  const scripts = [];
  let bytes = 0;
  const written = assets.map((asset) => {
    const file = path.join(root, ...asset.urlPath.split("/").filter(Boolean));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const label = asset.urlPath;
    let data;
    if (asset.ext === "css") data = cssText(label, asset.size, images);
    else if (asset.ext === "js") {
      data = jsText(label, asset.size, scripts);
      scripts.push(asset.urlPath);
    } else if (asset.ext === "svg") data = svgText(label, asset.size);
    else data = bytesFor(label, asset.size);
    fs.writeFileSync(file, data);
    const size = fs.statSync(file).size;
    bytes += size;
    return { ...asset, size, file };
  });
  return { assets: written, bytes };
}

/** Writes one large file of `size` bytes in 8 MiB pieces (memory stays bounded). */
export function writeLargeFile(file, size) {
  const piece = bytesFor("large", 8 << 20);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const fd = fs.openSync(file, "w");
  try {
    for (let done = 0; done < size; done += piece.length)
      fs.writeSync(fd, piece, 0, Math.min(piece.length, size - done));
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** Reads every file once so that the OS page cache holds it ("cold" means a cold buster only). */
export function warmPageCache(files) {
  for (const file of files) {
    const fd = fs.openSync(file, "r");
    const buf = Buffer.allocUnsafe(1 << 20);
    try {
      while (fs.readSync(fd, buf, 0, buf.length, null) > 0);
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * Waits until every file written before `writtenAt` (ms) is older than the buster's
 * freshness window, so that `validate: "always"` reuses its hashes instead of re-reading.
 */
export async function settle(writtenAt, windowMs = 3000) {
  const wait = writtenAt + windowMs + 250 - Date.now();
  if (wait > 0) await new Promise((ok) => setTimeout(ok, wait));
}
