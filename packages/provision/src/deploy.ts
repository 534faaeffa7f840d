import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { readDeployableApps, REPO_ROOT, type App } from "./apps.ts";
import { commandLine, wranglerBin } from "./wrangler.ts";

/**
 * Deploy order: a Worker after every Worker it binds as a service, so that a binding never
 * names a Worker that does not exist yet. Ties keep folder order, so the order is stable.
 */
export function deployOrder(apps: App[]): App[] {
  const byName = new Map(apps.map((app) => [app.config.name, app]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const order: App[] = [];

  const visit = (app: App) => {
    if (done.has(app.config.name)) return;
    if (visiting.has(app.config.name)) throw new Error(`Service bindings form a cycle through ${app.config.name}`);
    visiting.add(app.config.name);
    for (const { service } of app.config.services ?? []) {
      const target = byName.get(service);
      if (!target) throw new Error(`${app.config.name} binds ${service}, which is not a deployable app`);
      visit(target);
    }
    visiting.delete(app.config.name);
    done.add(app.config.name);
    order.push(app);
  };
  for (const app of apps) visit(app);
  return order;
}

/**
 * Settings that only make sense on a developer's machine, found in the configs about to be
 * deployed: the local storage endpoint as R2's address, the development token issuer, the
 * page's development sign-in. Each would deploy a Worker that cannot work or is unsafe.
 */
export function localOnlySettings(apps: App[]): string[] {
  const problems: string[] = [];
  for (const app of apps) {
    const vars = app.config.vars ?? {};
    const where = app.configPath;
    if (vars.R2_ENDPOINT && /^https?:\/\/(127\.|localhost|\[::1\])/.test(vars.R2_ENDPOINT)) {
      problems.push(`${where}: R2_ENDPOINT is ${vars.R2_ENDPOINT}; set https://<account-id>.r2.cloudflarestorage.com`);
    }
    if (vars.AUTH_ISSUER === "trove-dev") {
      problems.push(`${where}: AUTH_ISSUER is the development issuer; set your identity provider's issuer`);
    }
    if (vars.DEV_TOKENS === "on") {
      problems.push(`${where}: DEV_TOKENS is on, which lets anyone sign in as anyone`);
    }
  }
  return problems;
}

/**
 * The commands of a deployment: build every Worker first, then deploy them in order. wrangler
 * refuses a Worker's first deploy while its `secrets.required` are unset, and secrets cannot be
 * put to a Worker that does not exist, so `<secretsDir>/<app folder>.env`, when present, goes
 * along as `--secrets-file`.
 */
export function deployCommands(
  apps: App[],
  secretsDir?: string,
  exists: (file: string) => boolean = existsSync,
): { title: string; command: string[] }[] {
  const ordered = deployOrder(apps);
  // Every bundle (and the page's assets) is built before anything is uploaded, so a Worker
  // that does not build stops the deployment before it is half done.
  const build = ["turbo", "run", "build", ...ordered.map((app) => `--filter=./apps/${app.folder}`)];
  return [
    { title: "Build the Workers", command: build },
    ...ordered.map((app) => {
      const secrets = secretsDir ? path.resolve(secretsDir, `${app.folder}.env`) : undefined;
      const withSecrets = secrets && exists(secrets) ? ["--secrets-file", secrets] : [];
      return {
        title: `Deploy ${app.config.name}`,
        command: ["wrangler", "deploy", "-c", app.configPath, ...withSecrets],
      };
    }),
  ];
}

/** `pnpm run deploy [--dry-run] [--secrets-dir <dir>]`, called by scripts/deploy.mjs. */
export function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: { "dry-run": { type: "boolean", default: false }, "secrets-dir": { type: "string" } },
  });
  const apps = readDeployableApps();
  const commands = deployCommands(apps, values["secrets-dir"]);
  const problems = localOnlySettings(apps);
  for (const problem of problems) console.error(`deploy: ${problem}`);

  if (values["dry-run"]) {
    console.log("Dry run: nothing is run. deploy would run, from the repository root:");
    for (const { title, command } of commands) console.log(`  ${shown(command)}\n      # ${title}`);
    return 0;
  }
  if (problems.length > 0) {
    console.error("deploy: refusing to deploy development settings; change them (see packages/provision/README.md).");
    return 1;
  }
  for (const { title, command } of commands) {
    console.log(`\n== ${title}: ${shown(command)}`);
    const [bin, ...args] = command as [string, ...string[]];
    const executable = bin === "wrangler" ? wranglerBin(REPO_ROOT) : path.join(REPO_ROOT, "node_modules", ".bin", bin);
    const result = spawnSync(executable, args, { cwd: REPO_ROOT, stdio: "inherit" });
    if (result.status !== 0) {
      console.error(`deploy: ${title} failed; Workers deployed before it stay deployed.`);
      return result.status ?? 1;
    }
  }
  return 0;
}

function shown(command: string[]): string {
  return command[0] === "wrangler" ? commandLine(command.slice(1)) : command.join(" ");
}
