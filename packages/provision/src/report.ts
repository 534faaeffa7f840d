import type { App } from "./apps.ts";
import { commandLine, parseSecretList, type WranglerRunner } from "./wrangler.ts";

/** Apps whose wrangler.jsonc does not name the database by the id it has on the account. */
export function staleDatabaseIds(apps: App[], name: string, uuid: string): App[] {
  return apps.filter((app) =>
    (app.config.d1_databases ?? []).some((db) => db.database_name === name && db.database_id !== uuid),
  );
}

export interface MissingSecrets {
  app: App;
  missing: string[];
  /** Set when the Worker's secrets could not be listed, usually because it is not deployed yet. */
  unknown?: string;
}

/**
 * Each Worker's `secrets.required` minus what `wrangler secret list` reports as set. A Worker
 * that is not deployed yet has none set.
 */
export async function missingSecrets(runner: WranglerRunner, apps: App[]): Promise<MissingSecrets[]> {
  const result: MissingSecrets[] = [];
  for (const app of apps) {
    const required = app.config.secrets?.required ?? [];
    if (required.length === 0) continue;
    const listed = await runner(["secret", "list", "-c", app.configPath, "--format", "json"]);
    if (listed.code !== 0) {
      result.push({
        app,
        missing: required,
        unknown:
          "its secrets could not be listed (not deployed yet?). A new Worker takes them on its " +
          `first deploy: put NAME=value lines in <dir>/${app.folder}.env and run ` +
          "`pnpm run deploy --secrets-dir <dir>`",
      });
      continue;
    }
    const set = parseSecretList(listed.stdout);
    result.push({ app, missing: required.filter((name) => !set.has(name)) });
  }
  return result;
}

/** The commands that set what is missing, one a line, for a person to run with their values. */
export function secretInstructions(entries: MissingSecrets[]): string[] {
  return entries.flatMap(({ app, missing, unknown }) => {
    const header = `${app.config.name} (${app.configPath})${unknown ? `: ${unknown}` : ""}`;
    if (missing.length === 0) return [`${header}: all required secrets are set`];
    return [
      `${header}: to set`,
      ...missing.map((name) => `  ${commandLine(["secret", "put", name, "-c", app.configPath])}`),
    ];
  });
}
