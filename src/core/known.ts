import { Bound } from "./bounded.js";
import type { Entry } from "./cache.js";
import { ownString } from "./target.js";

/** A reference a rewritten file made, as it was answered in this build. */
export interface KnownReference {
  /** The entry it named: one checked in this build, of a target with that one candidate. */
  entry: Entry;
  /** The reference busted, as `renderTarget` made it for that entry. */
  busted: string;
  /** The cache's `version` when it was answered. */
  version: number;
}

/** The answers of the references that resolve against one directory, by their spelling. */
export type KnownInDirectory = Map<string, KnownReference>;

/**
 * Under `validate: "once"`, the answers of the references rewritten files made in this build,
 * by the directory they resolve against and their spelling: the modules of a directory name the
 * same few files again and again, and a reference seen before costs one lookup instead of a
 * target lookup, a cache lookup and a render. Forgotten when the generation changes; bounded
 * by the same rule as a `BoundedMap` (past the bound it starts again).
 */
export class KnownReferences {
  readonly #byDirectory = new Map<string, KnownInDirectory>();
  readonly #bound = new Bound();
  #generation = -1;

  /** The answers of `directory` in `generation` (all of them forgotten when it is a new one). */
  in(directory: string, generation: number): KnownInDirectory {
    if (generation !== this.#generation) {
      this.clear();
      this.#generation = generation;
    }
    let known = this.#byDirectory.get(directory);
    if (known === undefined) {
      known = new Map();
      // A directory counts as an entry of its own name; past the bound everything goes, this map too.
      this.#bound.admitOrRestart(directory.length, () => this.#byDirectory.clear());
      this.#byDirectory.set(directory, known);
    }
    return known;
  }

  /** Remembers an answer in a directory's map given by {@link in}. */
  add(known: KnownInDirectory, ref: string, answer: KnownReference): void {
    if (!this.#bound.admit(ref.length + answer.busted.length)) {
      // Past the bound: start again. `known` may be left out of the new maps; it is dropped with its file's rewrite.
      this.clear();
      return;
    }
    known.set(ownString(ref), answer);
  }

  /** Forgets every answer. */
  clear(): void {
    this.#byDirectory.clear();
    this.#bound.reset();
  }
}
