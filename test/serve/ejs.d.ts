// EJS ships no types; the tests use only its Express engine function.
declare module "ejs" {
  const ejs: { renderFile(path: string, data: object, callback: (error: Error | null, html?: string) => void): void };
  export default ejs;
}
