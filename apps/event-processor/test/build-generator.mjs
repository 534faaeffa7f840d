import { execFileSync } from "node:child_process";
import path from "node:path";

// Runs in Node before the tests: builds the ai-generator that vitest.config.ts loads as the
// GENERATOR service, so test/caption.test.ts calls the real Worker over the service binding.
export default function buildGenerator() {
  const dir = path.join(import.meta.dirname, "../../ai-generator");
  execFileSync(path.join(dir, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], {
    cwd: dir,
    stdio: ["ignore", "ignore", "inherit"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
  });
}
