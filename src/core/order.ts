/**
 * Orders strings by UTF-16 code units, as `<` does: the same order on every machine and
 * locale (unlike `localeCompare`), so listings and manifests are stable.
 *
 * @example
 * ["b", "B", "a"].sort(byCodeUnit) // ["B", "a", "b"]
 */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
