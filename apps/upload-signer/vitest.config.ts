import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig(async () => {
  const migrations = await readD1Migrations(
    path.join(import.meta.dirname, "../../packages/db/migrations"),
  );
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          // Test-only secrets; the vars come from wrangler.jsonc as deployed.
          bindings: {
            TEST_MIGRATIONS: migrations,
            AUTH_SECRET: "upload-signer-test-secret-0123456789abcdef",
            R2_ACCESS_KEY_ID: "test-access-key",
            R2_SECRET_ACCESS_KEY: "test-secret-access-key-0123456789",
          },
        },
      }),
    ],
    // Worker log lines are shown for failing tests only.
    test: { setupFiles: ["./test/apply-migrations.ts"], silent: "passed-only" },
  };
});
