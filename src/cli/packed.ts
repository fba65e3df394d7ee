import type { Edit } from "../css/edits.js";

/**
 * The texts a run's edits insert, each kept once, as a string of its own: most are cut from a
 * page and would otherwise hold on to its whole text, and a large site's texts do not fit in
 * memory; a layout's inserts recur on every page.
 */
export class Inserts {
  readonly texts: string[] = [];
  readonly #ids = new Map<string, number>();

  /** The index of `text`, stored on first sight. */
  id(text: string): number {
    let id = this.#ids.get(text);
    if (id === undefined) {
      // A copy by way of bytes: a slice, or a concatenation of slices, still points into the page.
      const own = Buffer.from(text, "utf16le").toString("utf16le");
      id = this.texts.push(own) - 1;
      this.#ids.set(own, id);
    }
    return id;
  }
}

/** A page's edits packed as `[start, end, insert id]` triples: a tenth of the memory of objects. */
export function packEdits(edits: readonly Edit[], inserts: Inserts): Uint32Array {
  const packed = new Uint32Array(edits.length * 3);
  edits.forEach((e, i) => {
    packed[i * 3] = e.start;
    packed[i * 3 + 1] = e.end;
    packed[i * 3 + 2] = inserts.id(e.insert);
  });
  return packed;
}

/** The edits of {@link packEdits}, given the run's insert texts. */
export function unpackEdits(packed: Uint32Array, texts: readonly string[]): Edit[] {
  const edits: Edit[] = [];
  for (let i = 0; i < packed.length; i += 3)
    edits.push({
      start: packed[i] as number,
      end: packed[i + 1] as number,
      insert: texts[packed[i + 2] as number] as string,
    });
  return edits;
}

/**
 * The edits of {@link packEdits} applied to `bytes` directly, for a text whose offsets are
 * byte offsets (ASCII read as UTF-8, or latin1): the same bytes as decoding, applying the
 * edits and encoding again with `encoding`, without making the page's text twice.
 */
export function applyPackedToBytes(
  bytes: Buffer,
  packed: Uint32Array,
  texts: readonly string[],
  encoding: "utf8" | "latin1",
): Buffer {
  const order = Array.from({ length: packed.length / 3 }, (_, i) => i * 3);
  order.sort((a, b) => (packed[a] as number) - (packed[b] as number));
  let size = bytes.length;
  for (const k of order)
    size +=
      Buffer.byteLength(texts[packed[k + 2] as number] as string, encoding) -
      (packed[k + 1] as number) +
      (packed[k] as number);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  let put = 0;
  for (const k of order) {
    const start = packed[k] as number;
    if (start < at) throw new RangeError(`overlapping edits at offset ${start}`);
    put += bytes.copy(out, put, at, start);
    put += out.write(texts[packed[k + 2] as number] as string, put, encoding);
    at = packed[k + 1] as number;
  }
  bytes.copy(out, put, at);
  return out;
}
