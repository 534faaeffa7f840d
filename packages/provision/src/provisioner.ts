import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { App } from "./apps.ts";
import type { CorsRule } from "./cors.ts";
import { observationCommands, planProvision, type Observed, type PlanFiles, type Step } from "./plan.ts";
import { missingSecrets, secretInstructions, staleDatabaseIds } from "./report.ts";
import type { Resources } from "./resources.ts";
import {
  commandLine,
  parseBucketList,
  parseCorsList,
  parseD1List,
  parseNotificationList,
  parseQueueList,
  type WranglerResult,
  type WranglerRunner,
} from "./wrangler.ts";

export interface ProvisionOptions {
  runner: WranglerRunner;
  apps: App[];
  resources: Resources;
  cors: CorsRule[];
  /** A private folder for the files wrangler reads (CORS rules, the migrations config). */
  workDir: string;
  log: (line: string) => void;
}

export function planFiles(workDir: string): PlanFiles {
  return { corsFile: path.join(workDir, "r2-cors.json"), d1Config: path.join(workDir, "wrangler.d1.json") };
}

/** Lists what exists, then creates what is missing, applies migrations and reports what is left. */
export async function provision(options: ProvisionOptions): Promise<void> {
  const { runner, resources, log } = options;
  const files = planFiles(options.workDir);
  mkdirSync(options.workDir, { recursive: true });

  const observed = await observe(runner, resources);
  let databases = observed.databases;
  for (const step of planProvision(resources, options.cors, files, observed)) {
    if (step.skip) {
      log(`= ${step.title}: ${step.skip}`);
      continue;
    }
    if (step.needs === "cors-file") {
      writeFileSync(files.corsFile, `${JSON.stringify({ rules: options.cors }, null, 2)}\n`);
    }
    if (step.needs === "d1-config") {
      // A database made by this run has an id only the account knows: list again.
      if (!databases.some((db) => db.name === resources.database.name)) {
        databases = parseD1List(await check(runner, ["d1", "list", "--json"]));
      }
      writeD1Config(files.d1Config, resources, databaseId(databases, resources.database.name));
    }
    await runStep(runner, step, log);
  }

  reportDatabaseIds(options.apps, resources.database.name, databaseId(databases, resources.database.name), log);
  log("");
  log("Secrets:");
  for (const line of secretInstructions(await missingSecrets(runner, options.apps))) log(line);
}

async function observe(runner: WranglerRunner, resources: Resources): Promise<Observed> {
  const [bucketList, corsList, notificationList, queueList, d1List] = observationCommands(resources) as [
    string[], string[], string[], string[], string[],
  ];
  const buckets = parseBucketList(await check(runner, bucketList));
  const bucketExists = buckets.has(resources.bucket);

  // R2 answers a bucket without CORS rules with an error; either way there are none to keep.
  const cors = bucketExists ? await runner(corsList) : undefined;
  return {
    buckets,
    cors: cors && cors.code === 0 ? parseCorsList(cors.stdout) : [],
    rules: bucketExists ? parseNotificationList(await check(runner, notificationList)) : [],
    queues: parseQueueList(await check(runner, queueList)),
    databases: parseD1List(await check(runner, d1List)),
  };
}

async function runStep(runner: WranglerRunner, step: Step, log: (line: string) => void): Promise<void> {
  log(`+ ${step.title}: ${commandLine(step.args)}`);
  await check(runner, step.args);
}

/** Runs a command and answers its stdout, or throws with what wrangler said. */
async function check(runner: WranglerRunner, args: readonly string[]): Promise<string> {
  const result: WranglerResult = await runner(args);
  if (result.code !== 0) {
    const said = (result.stderr || result.stdout).trim().split("\n").slice(-15).join("\n");
    throw new Error(`${commandLine(args)} failed (exit ${result.code}):\n${said}`);
  }
  return result.stdout;
}

function databaseId(databases: { name: string; uuid: string }[], name: string): string {
  const found = databases.find((db) => db.name === name);
  if (!found) throw new Error(`D1 database ${name} is not on the account after creating it`);
  return found.uuid;
}

/** A config holding only the database, so migrations reach it before the apps' ids are updated. */
function writeD1Config(file: string, resources: Resources, uuid: string): void {
  const config = {
    name: "trove-provision-migrations",
    d1_databases: [
      {
        binding: "DB",
        database_name: resources.database.name,
        database_id: uuid,
        migrations_dir: resources.database.migrationsDir,
      },
    ],
  };
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
}

function reportDatabaseIds(apps: App[], name: string, uuid: string, log: (line: string) => void): void {
  const stale = staleDatabaseIds(apps, name, uuid);
  log("");
  if (stale.length === 0) {
    log(`D1 ${name} is ${uuid}; every wrangler.jsonc names it.`);
    return;
  }
  log(`D1 ${name} is ${uuid}. Set "database_id": "${uuid}" in:`);
  for (const app of stale) log(`  ${app.configPath}`);
}
