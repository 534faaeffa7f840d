// `pnpm provision [--dry-run] [--origins https://app.example.com,...]`: creates, idempotently,
// the Cloudflare resources the Workers bind (see README.md). Runs with Node 22's type stripping.
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { readDeployableApps, REPO_ROOT } from "./apps.ts";
import { parseOrigins, readS3CorsFile, toWranglerCors } from "./cors.ts";
import { observationCommands, planProvision } from "./plan.ts";
import { planFiles, provision } from "./provisioner.ts";
import { resourcesFrom } from "./resources.ts";
import { commandLine, createWranglerRunner } from "./wrangler.ts";

const USAGE = `Usage: pnpm provision [--dry-run] [--origins <origin,...>]

Creates the R2 bucket with its CORS policy and event notification rule, the Queue and its
dead-letter queue, the D1 database with its migrations, and lists the secrets still to set.
Production origins allowed to upload come from --origins or TROVE_ALLOWED_ORIGINS.`;

const { values } = parseArgs({
  options: {
    "dry-run": { type: "boolean", default: false },
    origins: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

try {
  await main(values["dry-run"], values.origins ?? process.env.TROVE_ALLOWED_ORIGINS);
} catch (error) {
  console.error(`provision: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

async function main(dryRun: boolean, originList: string | undefined): Promise<void> {
  const origins = parseOrigins(originList);
  if (origins.length === 0 && !dryRun) {
    throw new Error(
      "Name the production origins the page is served from, e.g. " +
        "TROVE_ALLOWED_ORIGINS=https://app.example.com pnpm provision",
    );
  }
  const apps = readDeployableApps();
  const resources = resourcesFrom(apps, REPO_ROOT);
  const cors = toWranglerCors(readS3CorsFile(), origins).rules;
  const workDir = path.join(tmpdir(), `trove-provision-${process.pid}`);

  if (dryRun) {
    printPlan({ apps, resources, cors, workDir, origins });
    return;
  }
  await provision({ runner: createWranglerRunner(REPO_ROOT), apps, resources, cors, workDir, log: console.log });
}

function printPlan(plan: {
  apps: ReturnType<typeof readDeployableApps>;
  resources: ReturnType<typeof resourcesFrom>;
  cors: ReturnType<typeof toWranglerCors>["rules"];
  workDir: string;
  origins: string[];
}): void {
  const files = planFiles(plan.workDir);
  const log = console.log;
  log("Dry run: nothing is run. provision would first list what exists:");
  for (const args of observationCommands(plan.resources)) log(`  ${commandLine(args)}`);
  log("");
  log("then run, in order, each command whose condition holds:");
  for (const step of planProvision(plan.resources, plan.cors, files, undefined)) {
    log(`  ${commandLine(step.args)}`);
    log(`      # ${step.title}${step.when ? `, ${step.when}` : ""}`);
  }
  log("");
  if (plan.origins.length === 0) {
    log("No production origins given (--origins or TROVE_ALLOWED_ORIGINS): a real run refuses to start.");
  }
  log(`${files.corsFile} would hold:`);
  log(JSON.stringify({ rules: plan.cors }, null, 2));
  log("");
  log(`${files.d1Config} would name D1 ${plan.resources.database.name} by its id, with migrations from`);
  log(`  ${plan.resources.database.migrationsDir}`);
  log("");
  log("and finally list each Worker's secrets to report those still to set:");
  for (const app of plan.apps) {
    const required = app.config.secrets?.required ?? [];
    if (required.length === 0) continue;
    log(`  ${commandLine(["secret", "list", "-c", app.configPath, "--format", "json"])}`);
    log(`      # requires ${required.join(", ")}`);
  }
}
