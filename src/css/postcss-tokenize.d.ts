// postcss exports its tokenizer (`postcss/lib/tokenize`, in its package `exports`) without types.
declare module "postcss/lib/tokenize" {
  /** `[type, text, start offset, end offset (inclusive)]`; one-character tokens have no end. */
  export type Token = [type: string, text: string, start: number, end?: number];
  /** What the tokenizer reads: the text, and how to make an error at an offset. */
  export interface TokenizerInput {
    css: string;
    error(message: string, offset: number): Error;
  }
  export interface Tokenizer {
    nextToken(): Token;
    endOfFile(): boolean;
  }
  export default function tokenizer(input: TokenizerInput, options?: { ignoreErrors?: boolean }): Tokenizer;
}
