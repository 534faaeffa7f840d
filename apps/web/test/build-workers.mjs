import { execFileSync } from "node:child_process";
import path from "node:path";

// Runs in Node before the tests: builds the page into site/ (the assets the Worker serves) and
// the two API Workers vitest.config.ts loads behind the UPLOADS and GENERATOR bindings.
export default function buildWorkers() {
  const web = path.join(import.meta.dirname, "..");
  const run = (command, args, cwd) =>
    execFileSync(command, args, {
      cwd,
      stdio: ["ignore", "ignore", "inherit"],
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    });

  run(process.execPath, [path.join(web, "scripts/build-page.mjs")], web);
  for (const app of ["upload-signer", "ai-generator"]) {
    const dir = path.join(web, "..", app);
    run(path.join(dir, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", "dist"], dir);
  }
}
