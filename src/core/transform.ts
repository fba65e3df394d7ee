import type { Candidate } from "./locate.js";
import type { TransformOp } from "./resolve.js";
import type { ContentTransformer, MissingPolicy, ResolvedOptions } from "./types.js";

/** One reference a transformer asked to bust, with the policy it asked for. */
export interface Reference {
  ref: string;
  missing: MissingPolicy | undefined;
}

/** What busting a reference gave: its new spelling, or the error to throw back at the transformer. */
export type Answer = { ok: true; value: string } | { ok: false; error: unknown };

const answerKey = (ref: string, missing: MissingPolicy | undefined) => `${missing ?? ""}\0${ref}`;

/** The transformer that rewrites a candidate's file, if any (the first whose `test` says so). */
export function transformerFor(opts: ResolvedOptions, candidate: Candidate): ContentTransformer | undefined {
  return opts.transformers.length === 0
    ? undefined
    : opts.transformers.find((t) => t.test(candidate.urlPath, candidate.file));
}

/** Runs a transformer once, each reference busted on the spot by `bust` (the synchronous path). */
export function transformNow(
  op: TransformOp,
  bust: (ref: string, missing: MissingPolicy | undefined) => string,
): string | undefined {
  return op.transformer.transform(op.source, {
    urlPath: op.candidate.urlPath,
    file: op.candidate.file,
    bust: (ref, o) => bust(ref, o?.missing),
  });
}

/**
 * The references a transformer busts in its source, learnt by running it with a `bust` that
 * changes nothing: the first of the two passes of the asynchronous path, which resolves them
 * without blocking before {@link transformWith} applies them.
 */
export function referencesOf(op: TransformOp): Reference[] {
  const seen = new Set<string>();
  const refs: Reference[] = [];
  transformNow(op, (ref, missing) => {
    const key = answerKey(ref, missing);
    if (!seen.has(key)) {
      seen.add(key);
      refs.push({ ref, missing });
    }
    return ref;
  });
  return refs;
}

/**
 * Runs a transformer with the answers resolved for its references. A reference the first pass
 * did not ask for (a transformer whose references depend on more than its source) is left as
 * written: it is not resolved, so it never blocks.
 */
export function transformWith(
  op: TransformOp,
  refs: readonly Reference[],
  answers: readonly Answer[],
): string | undefined {
  const byKey = new Map<string, Answer>();
  refs.forEach((r, i) => byKey.set(answerKey(r.ref, r.missing), answers[i] as Answer));
  return transformNow(op, (ref, missing) => {
    const answer = byKey.get(answerKey(ref, missing));
    if (!answer) return ref;
    if (!answer.ok) throw answer.error;
    return answer.value;
  });
}
