import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { builtWorkerOptions } from "../../scripts/built-worker.mjs";

const AUTH_SECRET = "web-test-auth-secret-0123456789abcdef";
/** The D1 database the API Workers' wrangler configs name; the tests read it to check effects. */
const DATABASE_ID = "6f1c2a4e-0d3b-4c59-9a7e-7b2f1e8d4c01";

/** One of our API Workers as an auxiliary Worker (test/build-workers.mjs builds it), with test secrets. */
function apiWorker(app: string, secrets: Record<string, string>) {
  return builtWorkerOptions(app, { bindings: { AUTH_SECRET, ...secrets } });
}

const storageSecrets = {
  R2_ACCESS_KEY_ID: "test-access-key",
  R2_SECRET_ACCESS_KEY: "test-secret-access-key-0123456789",
};

export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "../../packages/db/migrations"));
  return {
    plugins: [
      cloudflareTest({
        // The vars come from wrangler.jsonc as deployed: DEV_TOKENS is "off".
        wrangler: { configPath: "./wrangler.jsonc" },
        miniflare: {
          bindings: { TEST_MIGRATIONS: migrations, AUTH_SECRET },
          // Test-only: the database the API Workers write, to check what a forwarded request did.
          d1Databases: { TEST_DB: DATABASE_ID },
          // UPLOADS and GENERATOR are the real upload-signer and ai-generator (echo provider).
          workers: [
            apiWorker("upload-signer", storageSecrets),
            apiWorker("ai-generator", { ...storageSecrets, SERVICE_SECRET: "web-test-service-secret-0123456789abcdef" }),
          ],
        },
      }),
    ],
    // Worker log lines are shown for failing tests only.
    test: {
      globalSetup: ["./test/build-workers.mjs"],
      setupFiles: ["./test/apply-migrations.ts"],
      silent: "passed-only",
    },
  };
});
