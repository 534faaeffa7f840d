import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readDeployableApps, REPO_ROOT } from "../src/apps.ts";
import { readS3CorsFile, toWranglerCors } from "../src/cors.ts";
import { provision } from "../src/provisioner.ts";
import { resourcesFrom } from "../src/resources.ts";
import { emptyAccount, fakeWrangler, type FakeAccount } from "./fake-cloudflare.ts";

const apps = readDeployableApps();
const resources = resourcesFrom(apps, REPO_ROOT);
const cors = toWranglerCors(readS3CorsFile(), ["https://app.example.com"]).rules;

async function run(account: FakeAccount) {
  const { runner, calls } = fakeWrangler(account);
  const lines: string[] = [];
  const workDir = mkdtempSync(path.join(tmpdir(), "provision-test-"));
  await provision({ runner, apps, resources, cors, workDir, log: (line) => lines.push(line) });
  const mutations = calls
    .map((args) => args.join(" "))
    .filter((call) => !/ list\b/.test(call) && !call.startsWith("d1 migrations apply"));
  return { calls, mutations, output: lines.join("\n"), workDir };
}

describe("provision", () => {
  it("creates everything on an empty account, in an order the API accepts", async () => {
    const account = emptyAccount();
    const { mutations, output, workDir } = await run(account);

    expect(mutations).toEqual([
      "r2 bucket create trove-uploads",
      `r2 bucket cors set trove-uploads --file ${path.join(workDir, "r2-cors.json")} --force`,
      "queues create trove-r2-events-dlq",
      "queues create trove-r2-events",
      "queues create trove-notifications",
      "r2 bucket notification create trove-uploads --event-types object-create object-delete " +
        "--prefix u/ --queue trove-r2-events --description Trove: uploads to the event processor",
      "d1 create trove",
    ]);
    expect(account.migrationsApplied).toBe(1);
    expect(account.buckets.get("trove-uploads")?.cors?.[0]?.allowed.origins).toContain("https://app.example.com");
    expect(output).toContain('Set "database_id": "00000000-1111-2222-3333-444444444444" in:');
    expect(output).toContain("apps/upload-signer/wrangler.jsonc");
    expect(output).toContain("wrangler secret put SERVICE_SECRET -c apps/event-processor/wrangler.jsonc");
  });

  it("changes nothing on a second run and only re-applies pending migrations", async () => {
    const account = emptyAccount();
    await run(account);
    const { mutations, output } = await run(account);

    expect(mutations).toEqual([]);
    expect(account.migrationsApplied).toBe(2);
    expect(output).toContain("= R2 bucket trove-uploads: bucket trove-uploads exists");
    expect(output).toContain("the bucket already has these rules");
  });

  it("sets CORS again when the origins changed, and replaces a rule with other actions", async () => {
    const account = emptyAccount();
    await run(account);
    account.buckets.get("trove-uploads")!.cors![0]!.allowed.origins = ["https://old.example.com"];
    account.buckets.get("trove-uploads")!.rules = [
      { ruleId: "old", queue: "trove-r2-events", prefix: "u/", actions: ["PutObject"] },
    ];

    const { mutations, workDir } = await run(account);

    expect(mutations).toEqual([
      `r2 bucket cors set trove-uploads --file ${path.join(workDir, "r2-cors.json")} --force`,
      "r2 bucket notification delete trove-uploads --queue trove-r2-events --rule old",
      expect.stringMatching(/^r2 bucket notification create trove-uploads /),
    ]);
    const written = JSON.parse(readFileSync(path.join(workDir, "r2-cors.json"), "utf8"));
    expect(written).toEqual({ rules: cors });
  });

  it("reports only the secrets a deployed Worker lacks", async () => {
    const account = emptyAccount();
    account.secrets.set("apps/upload-signer/wrangler.jsonc", ["AUTH_SECRET", "R2_ACCESS_KEY_ID"]);
    const { output } = await run(account);

    expect(output).toContain("wrangler secret put R2_SECRET_ACCESS_KEY -c apps/upload-signer/wrangler.jsonc");
    expect(output).not.toContain("wrangler secret put AUTH_SECRET -c apps/upload-signer/wrangler.jsonc");
    expect(output).toContain("wrangler secret put AUTH_SECRET -c apps/ai-generator/wrangler.jsonc");
  });

  it("stops at the first failing command with what wrangler said", async () => {
    const account = emptyAccount();
    const { runner } = fakeWrangler(account);
    const failing: typeof runner = async (args) =>
      args[0] === "queues" && args[1] === "create"
        ? { code: 1, stdout: "", stderr: "You have reached the queue limit [code: 11000]" }
        : runner(args);
    const workDir = mkdtempSync(path.join(tmpdir(), "provision-test-"));

    await expect(provision({ runner: failing, apps, resources, cors, workDir, log: () => {} })).rejects.toThrow(
      /wrangler queues create trove-r2-events-dlq failed \(exit 1\):\nYou have reached the queue limit/,
    );
    expect(account.databases).toEqual([]);
  });
});
