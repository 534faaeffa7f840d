import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { builtWorkerOptions } from "../../scripts/built-worker.mjs";

const SERVICE_SECRET = "test-service-secret-of-32-bytes-min";

/**
 * The ai-generator as an auxiliary Worker, from its own wrangler config and built output, with
 * test secrets. Turbo builds it before this package's tests (it is a devDependency and `test`
 * depends on `^build`); running vitest here directly uses whatever was last built.
 */
function generatorWorker() {
  return builtWorkerOptions("ai-generator", {
    notBuilt:
      "apps/ai-generator is not built: run `pnpm build` first, or run these tests with " +
      "`pnpm turbo run test --filter=@trove/event-processor`, which builds it.",
    bindings: {
      SERVICE_SECRET,
      AUTH_SECRET: "event-processor-test-auth-secret-0123456789",
      R2_ACCESS_KEY_ID: "test-access-key",
      R2_SECRET_ACCESS_KEY: "test-secret-access-key-0123456789",
    },
  });
}

/** Where the sink records what it consumed; the tests bind the same namespace to read it. */
const NOTIFIED = { NOTIFIED: "trove-notified-test" };

/**
 * A real consumer of `trove-notifications` (test/sink), standing in for the one a deployment
 * writes; it records every message in KV. Plain JavaScript, so it needs no build.
 */
function notificationSink() {
  const dir = path.join(import.meta.dirname, "test/sink");
  return {
    name: "trove-notification-sink",
    modules: true,
    scriptPath: path.join(dir, "index.js"),
    modulesRoot: dir,
    compatibilityDate: "2026-11-01",
    kvNamespaces: NOTIFIED,
    queueConsumers: { "trove-notifications": { maxBatchSize: 100, maxBatchTimeout: 0 } },
  };
}

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
            SERVICE_SECRET,
          },
          kvNamespaces: NOTIFIED,
          // GENERATOR is the real ai-generator, as built JavaScript (auxiliary Workers must be
          // built, with modulesRoot). It shares this D1 database and
          // bucket; CAPTIONS is off here, so only test/caption.test.ts reaches it.
          workers: [generatorWorker(), notificationSink()],
        },
      }),
    ],
    test: { setupFiles: ["./test/apply-migrations.ts"] },
  };
});
