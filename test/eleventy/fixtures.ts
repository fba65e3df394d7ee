import * as fs from "node:fs";
import { join } from "node:path";
import Eleventy from "@11ty/eleventy";

export { settle, sha, site, write } from "../core/fixtures.js";

/** Options of one programmatic Eleventy build. */
export interface BuildOptions {
  input?: string;
  output?: string;
  pathPrefix?: string;
}

/**
 * Runs `work` from inside `dir`. When it fails, Eleventy 3 may still be copying passthrough
 * files: once a template fails it stops waiting for the copies it started, whose paths are
 * relative to the working directory. Leaving `dir` at once made them fail later, unhandled,
 * in another test; the pause lets them finish first.
 */
async function inside(dir: string, work: () => Promise<void>): Promise<void> {
  const previous = process.cwd();
  process.chdir(dir);
  try {
    await work();
  } catch (error) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    throw error;
  } finally {
    process.chdir(previous);
  }
}

/**
 * Builds the site in `dir` with Eleventy's programmatic API, from inside `dir` (as `npx
 * @11ty/eleventy` would run there: passthrough paths are relative to the project).
 */
export async function build(
  dir: string,
  config: (eleventyConfig: any) => void,
  options: BuildOptions = {},
): Promise<void> {
  await inside(dir, async () => {
    const elev = new Eleventy(options.input ?? "src", options.output ?? "_site", {
      quietMode: true,
      ...(options.pathPrefix ? { pathPrefix: options.pathPrefix } : {}),
      config,
    });
    await elev.write();
  });
}

/** A built page's HTML. */
export function page(dir: string, path: string, output = "_site"): string {
  return fs.readFileSync(join(dir, output, path), "utf8");
}

/** Every message in an error's `cause` / `originalError` chain, joined: Eleventy wraps render errors. */
export function messages(error: unknown): string {
  const out: string[] = [];
  let e: any = error;
  for (let i = 0; e && i < 10; i++) {
    out.push(String(e.message));
    e = e.cause ?? e.originalError;
  }
  return out.join("\n");
}

/** The error a promise rejects with (fails when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the build to fail, but it succeeded");
}

/** Finds the first error in a chain that carries a cache-id `code`. */
export function cacheBustCause(error: unknown): any {
  let e: any = error;
  for (let i = 0; e && i < 10; i++) {
    if (e.name === "CacheBustError") return e;
    e = e.cause ?? e.originalError;
  }
  return undefined;
}

/** One Eleventy instance of the site in `dir`, built as often as a test likes (like --watch does). */
export function eleventy(
  dir: string,
  config: (eleventyConfig: any) => void,
  options: BuildOptions = {},
): { write(): Promise<void> } {
  const previous = process.cwd();
  process.chdir(dir);
  let elev: InstanceType<typeof Eleventy>;
  try {
    elev = new Eleventy(options.input ?? "src", options.output ?? "_site", { quietMode: true, config });
  } finally {
    process.chdir(previous);
  }
  return {
    write: () => inside(dir, () => elev.write()),
  };
}
