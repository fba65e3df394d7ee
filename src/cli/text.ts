import { createHash } from "node:crypto";
import * as fsp from "node:fs/promises";

/** A text file read so that writing it back gives the same bytes where nothing changed. */
export interface TextFile {
  text: string;
  encoding: "utf8" | "latin1";
  digest: string;
  mode: number;
}

/** Reads a text file as UTF-8, or byte for byte (latin1) when it is not UTF-8. */
export async function readText(file: string): Promise<TextFile> {
  const [bytes, st] = await Promise.all([fsp.readFile(file), fsp.stat(file)]);
  const utf8 = bytes.toString("utf8");
  // Not UTF-8: read byte for byte, so the bytes around the (ASCII) URLs survive the rewrite.
  const encoding = Buffer.from(utf8, "utf8").equals(bytes) ? "utf8" : "latin1";
  return { text: encoding === "utf8" ? utf8 : bytes.toString("latin1"), encoding, digest: digestOf(bytes), mode: st.mode };
}

/** SHA-256 of bytes (or of a string's UTF-8), to tell whether a file changed. */
export const digestOf = (bytes: Buffer | string) => createHash("sha256").update(bytes).digest("hex");

