import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Runs a command line script with a wrangler that leaves a mark if anything calls it. */
function runScript(script: string, args: string[], env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "provision-cli-"));
  const marker = path.join(dir, "wrangler-was-called");
  const tripwire = path.join(dir, "wrangler");
  writeFileSync(tripwire, `#!/bin/sh\necho "$@" >> '${marker}'\nexit 1\n`);
  chmodSync(tripwire, 0o755);
  const result = spawnSync(process.execPath, [script, ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, TROVE_ALLOWED_ORIGINS: "", ...env, TROVE_WRANGLER: tripwire },
    timeout: 30_000,
  });
  return { ...result, wranglerCalled: existsSync(marker) };
}

describe("pnpm provision --dry-run", () => {
  it("prints every command with the production origins in the CORS rules, and runs none", () => {
    const result = runScript("packages/provision/src/provision.ts", ["--dry-run"], {
      TROVE_ALLOWED_ORIGINS: "https://app.example.com",
    });

    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.wranglerCalled).toBe(false);
    for (const command of [
      "wrangler r2 bucket list",
      "wrangler r2 bucket create trove-uploads",
      "wrangler queues create trove-r2-events-dlq",
      "wrangler queues create trove-r2-events\n",
      "wrangler r2 bucket notification create trove-uploads --event-types object-create object-delete --prefix u/ --queue trove-r2-events",
      "wrangler d1 create trove",
      "wrangler d1 migrations apply trove --remote -c ",
      "wrangler secret list -c apps/upload-signer/wrangler.jsonc --format json",
    ]) {
      expect(result.stdout).toContain(command);
    }
    expect(result.stdout).toContain('"https://app.example.com"');
    expect(result.stdout).not.toContain("apps/local-storage");
  });

  it("refuses a real run without production origins before calling wrangler", () => {
    const result = runScript("packages/provision/src/provision.ts", []);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("TROVE_ALLOWED_ORIGINS");
    expect(result.wranglerCalled).toBe(false);
  });

  it("refuses an origin with a path", () => {
    const result = runScript("packages/provision/src/provision.ts", ["--dry-run", "--origins", "https://app.example.com/"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("is not an origin");
  });
});

describe("pnpm run deploy --dry-run", () => {
  it("prints the build and each Worker's deploy, bound Workers first, and runs none", () => {
    const result = runScript("scripts/deploy.mjs", ["--dry-run"]);

    expect(result.status).toBe(0);
    expect(result.wranglerCalled).toBe(false);
    const deploys = result.stdout.split("\n").filter((line) => line.includes("wrangler deploy"));
    expect(deploys.map((line) => line.trim())).toEqual([
      "wrangler deploy -c apps/ai-generator/wrangler.jsonc",
      "wrangler deploy -c apps/event-processor/wrangler.jsonc",
      "wrangler deploy -c apps/upload-signer/wrangler.jsonc",
      "wrangler deploy -c apps/web/wrangler.jsonc",
    ]);
    expect(result.stdout.indexOf("turbo run build")).toBeLessThan(result.stdout.indexOf("wrangler deploy"));
  });
});
