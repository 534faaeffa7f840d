import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "../../packages/db/migrations"));
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          // Test-only secrets and the stand-in OpenAI server's address (test/openai-stub.mjs);
          // the vars come from wrangler.jsonc as deployed, so the default provider is echo.
          bindings: {
            TEST_MIGRATIONS: migrations,
            TEST_OPENAI_URL: inject("openaiStubUrl"),
            AUTH_SECRET: "ai-generator-test-secret-0123456789abcdef",
            SERVICE_SECRET: "ai-generator-test-service-secret-0123456789",
            R2_ACCESS_KEY_ID: "test-access-key",
            R2_SECRET_ACCESS_KEY: "test-secret-access-key-0123456789",
          },
        },
      })),
    ],
    // Worker log lines are shown for failing tests only.
    test: {
      globalSetup: ["./test/openai-stub.mjs"],
      setupFiles: ["./test/apply-migrations.ts"],
      silent: "passed-only",
    },
  };
});
