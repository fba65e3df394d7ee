import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Real builds and real file systems: keep parallelism modest on a 2-core machine.
    maxWorkers: 2,
  },
});
