// Summaries of repeated measurements. Everything here is pure.

/** The median of a list of numbers (`NaN` for an empty list). */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Smallest and largest value. */
export function range(values) {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Ratios of paired measurements (`a[i] / b[i]`, taken in the same round, so that slow phases of
 * a noisy machine hit both), with their median and range.
 * @example pairedRatio([110, 120], [100, 100]) // { median: 1.15, min: 1.1, max: 1.2, ratios: [1.1, 1.2] }
 */
export function pairedRatio(a, b) {
  const ratios = a.map((x, i) => x / b[i]);
  return { median: median(ratios), ...range(ratios), ratios };
}

/**
 * Rotates `items` by `round`, so that across rounds every item runs in every position and
 * none is always first (warm-up) or last.
 */
export function rotate(items, round) {
  const k = round % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * The `round`-th ordering of `items`, cycling through all of them: over `n!` rounds, every
 * item runs in every position and every pair runs in both orders equally often.
 * @example permutation(["a", "b", "c"], 1) // ["a", "c", "b"]
 */
export function permutation(items, round) {
  const rest = [...items];
  const out = [];
  let k = round % factorial(items.length);
  for (let n = rest.length; n > 0; n--) {
    const f = factorial(n - 1);
    out.push(...rest.splice(Math.floor(k / f), 1));
    k %= f;
  }
  return out;
}

function factorial(n) {
  return n <= 1 ? 1 : n * factorial(n - 1);
}
