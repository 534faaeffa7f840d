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
          // Lets tests deliver batches through the runtime with `exports.default.queue()`.
          compatibilityFlags: ["service_binding_extra_handlers"],
          bindings: {
            TEST_MIGRATIONS: migrations,
            SERVICE_SECRET: "test-service-secret-of-32-bytes-min",
          },
          // GENERATOR must point at a Worker for the runtime to start. These tests never reach
          // it: an entrypoint with no methods makes any call fail loudly instead of passing.
          workers: [
            {
              name: "trove-ai-generator",
              modules: [
                {
                  type: "ESModule",
                  path: "index.js",
                  contents: [
                    'import { WorkerEntrypoint } from "cloudflare:workers";',
                    "export class GeneratorEntrypoint extends WorkerEntrypoint {}",
                    "export default { fetch: () => new Response(null, { status: 503 }) };",
                  ].join("\n"),
                },
              ],
              compatibilityDate: "2026-11-01",
            },
          ],
        },
      }),
    ],
    test: { setupFiles: ["./test/apply-migrations.ts"] },
  };
});
