/**
 * Puts a fingerprint into a file name before its last extension; a name without one, or with
 * only a leading dot, gets it appended. A name that already carries this very fingerprint
 * where it would go is returned as it is (a file that is its own fingerprinted copy).
 *
 * @example
 * fingerprintName("car.jpg", "3f2a9c1b0d") // "car.3f2a9c1b0d.jpg"
 * fingerprintName("x.tar.gz", "3f2a9c1b0d") // "x.tar.3f2a9c1b0d.gz"
 * fingerprintName("LICENSE", "3f2a9c1b0d") // "LICENSE.3f2a9c1b0d"
 * fingerprintName("car.3f2a9c1b0d.jpg", "3f2a9c1b0d") // "car.3f2a9c1b0d.jpg"
 */
export function fingerprintName(name: string, hash: string): string {
  if (unfingerprintName(name, hash.length)?.hash === hash) return name;
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return `${name}.${hash}`;
  return `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
}

/**
 * Takes a fingerprint of `length` hex characters out of a file name, if it has one where
 * {@link fingerprintName} puts it.
 *
 * @example
 * unfingerprintName("car.3f2a9c1b0d.jpg", 10) // { name: "car.jpg", hash: "3f2a9c1b0d" }
 * unfingerprintName("car.jpg", 10) // undefined
 */
export function unfingerprintName(name: string, length: number): { name: string; hash: string } | undefined {
  const parts = name.split(".");
  if (parts.length < 2) return undefined;
  const isHash = (s: string | undefined) => s !== undefined && s.length === length && /^[0-9a-f]+$/.test(s);
  // `stem.<hash>.ext`
  if (parts.length >= 3 && isHash(parts[parts.length - 2]) && parts.slice(0, -2).join(".") !== "") {
    const hash = parts[parts.length - 2] as string;
    return { name: [...parts.slice(0, -2), parts[parts.length - 1]].join("."), hash };
  }
  // `LICENSE.<hash>` or `.htaccess.<hash>`
  const stem = parts.slice(0, -1).join(".");
  if (isHash(parts[parts.length - 1]) && stem !== "" && stem.lastIndexOf(".") <= 0) {
    return { name: stem, hash: parts[parts.length - 1] as string };
  }
  return undefined;
}

/** Replaces the last segment of a URL path (as written) with `rename(segment)`. */
export function renameLastSegment(path: string, rename: (segment: string) => string): string {
  const slash = path.lastIndexOf("/");
  return path.slice(0, slash + 1) + rename(path.slice(slash + 1));
}
