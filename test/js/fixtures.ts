// The core tests' temporary trees, under the names the module tests use.
export { sha, site as tree, write as put } from "../core/fixtures.js";
