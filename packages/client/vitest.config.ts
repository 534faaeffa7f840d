import { defineConfig } from "vitest/config";

// Node, against the real local stack on :8787/:8790 (started once in the test file).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
