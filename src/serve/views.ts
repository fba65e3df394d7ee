import type { CacheBuster } from "../index.js";

/** Functions for engines without filters (EJS, Pug), to put on `app.locals` or a view's data. */
export interface ViewHelpers {
  /** The busted URL: `cache_bust("/img/car.jpg")` -> `/img/car.jpg?v=<hash>`. */
  cache_bust(url: string, from?: string): string;
  /** A Subresource Integrity value for the URL's file. */
  integrity(url: string, algorithm?: string, from?: string): string | undefined;
}

/**
 * Plain functions over a buster for templates that call functions rather than filters.
 *
 * @example
 * Object.assign(app.locals, viewHelpers(buster)); // EJS: <img src="<%= cache_bust('/img/car.jpg') %>">
 */
export function viewHelpers(buster: CacheBuster): ViewHelpers {
  return {
    cache_bust: (url, from) => buster.url(url, from),
    integrity: (url, algorithm, from) => buster.integrity(url, algorithm, from),
  };
}
