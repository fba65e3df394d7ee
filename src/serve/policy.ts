/** How a response may be cached, from what the URL promises and what is sent. */
export type Freshness = "immutable" | "revalidate" | "no-store";

/**
 * The caching of a response: immutable only when the URL's hash is the hash of the bytes sent
 * and those bytes are settled (the file last changed more than `trustAfterMs` ago, so that a
 * second same-size write in the same timestamp tick cannot have slipped past the hash);
 * revalidated when the URL carries no hash; otherwise never stored.
 *
 * @example
 * freshness({ requested: "3f2a9c1b0d", sent: "3f2a9c1b0d", settled: true }) // "immutable"
 */
export function freshness(o: { requested: string | undefined; sent: string; settled: boolean }): Freshness {
  if (!o.settled) return "no-store";
  if (o.requested === undefined) return "revalidate";
  return o.requested === o.sent ? "immutable" : "no-store";
}

/** The status a core error code comes to: the client's mistakes 4xx, the server's trouble 503, never 500. */
export function statusForCode(code: string | undefined): number {
  switch (code) {
    case "BAD_URL":
    case "OUTSIDE_ROOT":
      return 400;
    case "MISSING_FILE":
    case "NOT_A_FILE":
      return 404;
    case "PERMISSION_DENIED":
      return 403;
    default:
      return 503;
  }
}
