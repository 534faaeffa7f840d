import { defineConfig } from "vitest/config";

// Runs in Node against the real local stack (scripts/dev.mjs), one file at a time.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
