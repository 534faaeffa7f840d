import { defineConfig } from "vitest/config";

// Node drives Debian's Chromium (playwright-core) against the real local stack on :8787/:8790.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
