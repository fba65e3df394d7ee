// The one HTML reader and its attribute rules, shared by the CLI and Eleventy's `auto`.
export { htmlEdits, rewriteHtml, type BustUrl, type HtmlHooks } from "./rewrite.js";
export { isPageLink, urlAttributes } from "./rules.js";
export { basePath } from "./base.js";
