import { defineConfig } from "vitest/config";

// Pure functions with no bindings: these tests run in Node.
export default defineConfig({ test: { include: ["test/**/*.test.ts"] } });
