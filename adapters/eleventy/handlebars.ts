/** The part of an `addExtension` entry this module touches. */
interface ExtensionEntry {
  key?: string;
  aliasKey?: string;
  compile?: (this: unknown, source: string, inputPath: string) => unknown;
  [WRAPPED]?: Record<string, Helper>;
}

type Helper = (...args: unknown[]) => unknown;

const WRAPPED = Symbol.for("cache-id.eleventy.handlebarsHelpers");

/**
 * Gives Handlebars templates the helpers whatever the order of `addPlugin` calls.
 * `@11ty/eleventy-plugin-handlebars` copies the filters that exist when it runs, so a filter
 * added after it would be missing; instead, every compiled `.hbs` template is handed the
 * helpers at render time (Handlebars' runtime `helpers` option, which partials inherit).
 * Returns whether the `hbs` extension was found.
 */
export function provideHandlebarsHelpers(extensionMap: unknown, helpers: Record<string, Helper>): boolean {
  if (!(extensionMap instanceof Set)) return false;
  let found = false;
  for (const entry of extensionMap as Set<ExtensionEntry>) {
    if ((entry.aliasKey ?? entry.key ?? "").toLowerCase() !== "hbs" || typeof entry.compile !== "function") continue;
    found = true;
    const known = entry[WRAPPED];
    if (known) {
      Object.assign(known, helpers);
      continue;
    }
    const own: Record<string, Helper> = { ...helpers };
    const compile = entry.compile;
    entry[WRAPPED] = own;
    entry.compile = function (this: unknown, source: string, inputPath: string) {
      const template = compile.call(this, source, inputPath);
      if (typeof template !== "function") return template;
      return function (this: unknown, data: unknown, options?: { helpers?: Record<string, Helper> }) {
        return (template as Helper).call(this, data, { ...options, helpers: { ...own, ...options?.helpers } });
      };
    };
  }
  return found;
}
