import { spawn } from "node:child_process";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import type { CorsRule } from "./cors.ts";

export interface WranglerResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one wrangler command. Provisioning talks to Cloudflare only through this, so tests give
 * it a stand-in for Cloudflare's API and no test reaches the network.
 */
export type WranglerRunner = (args: readonly string[]) => Promise<WranglerResult>;

/**
 * The wrangler executable: TROVE_WRANGLER when set (another build of wrangler), else the
 * repository's own.
 */
export function wranglerBin(root: string): string {
  return process.env.TROVE_WRANGLER || path.join(root, "node_modules", ".bin", "wrangler");
}

/**
 * Runs wrangler from the repository root, capturing its output. stdin is closed so wrangler
 * runs non-interactively: no confirmation prompt waits behind captured output.
 */
export function createWranglerRunner(root: string): WranglerRunner {
  const bin = wranglerBin(root);
  return (args) =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
}

/** The command line a person would type, for plans and logs. */
export function commandLine(args: readonly string[]): string {
  return ["wrangler", ...args.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg}'`))].join(" ");
}

// wrangler prints lists as "label:  value" blocks separated by blank lines.
function labelledBlocks(output: string): Record<string, string>[] {
  return stripVTControlCharacters(output)
    .split(/\n\s*\n/)
    .map((block) => {
      const entry: Record<string, string> = {};
      for (const line of block.split("\n")) {
        const match = /^([a-z_]+):\s+(.*)$/.exec(line.trim());
        if (match?.[1] && match[2] !== undefined) entry[match[1]] = match[2].trim();
      }
      return entry;
    })
    .filter((entry) => Object.keys(entry).length > 0);
}

/** Bucket names from `wrangler r2 bucket list`. */
export function parseBucketList(output: string): Set<string> {
  return new Set(labelledBlocks(output).flatMap((entry) => (entry.name ? [entry.name] : [])));
}

/** Queue names from `wrangler queues list`, a box-drawn table with a `name` column. */
export function parseQueueList(output: string): Set<string> {
  const rows = stripVTControlCharacters(output)
    .split("\n")
    .filter((line) => line.includes("│"))
    .map((line) => line.split("│").slice(1, -1).map((cell) => cell.trim()));
  const column = rows[0]?.indexOf("name") ?? -1;
  if (column === -1) return new Set();
  return new Set(rows.slice(1).map((row) => row[column] ?? "").filter(Boolean));
}

export interface NotificationRule {
  ruleId: string;
  queue: string;
  prefix: string;
  suffix: string;
  actions: string[];
}

/** Rules from `wrangler r2 bucket notification list <bucket>`. */
export function parseNotificationList(output: string): NotificationRule[] {
  return labelledBlocks(output)
    .filter((entry) => entry.rule_id && entry.queue_name)
    .map((entry) => ({
      ruleId: entry.rule_id as string,
      queue: entry.queue_name as string,
      prefix: entry.prefix === "(all prefixes)" ? "" : (entry.prefix ?? ""),
      suffix: entry.suffix === "(all suffixes)" ? "" : (entry.suffix ?? ""),
      actions: (entry.event_type ?? "").split(",").map((a) => a.trim()).filter(Boolean),
    }));
}

/** Rules from `wrangler r2 bucket cors list <bucket>`; "(no …)" stands for an empty list. */
export function parseCorsList(output: string): CorsRule[] {
  const list = (value: string | undefined) =>
    !value || value.startsWith("(") ? [] : value.split(",").map((item) => item.trim());
  return labelledBlocks(output)
    .filter((entry) => entry.allowed_origins !== undefined)
    .map((entry) => {
      const rule: CorsRule = {
        allowed: {
          origins: list(entry.allowed_origins),
          methods: list(entry.allowed_methods),
          headers: list(entry.allowed_headers),
        },
        exposeHeaders: list(entry.exposed_headers),
      };
      const maxAge = Number.parseInt(entry.max_age_seconds ?? "", 10);
      if (Number.isFinite(maxAge)) rule.maxAgeSeconds = maxAge;
      return rule;
    });
}

export interface D1Database {
  uuid: string;
  name: string;
}

/** Databases from `wrangler d1 list --json`. */
export function parseD1List(output: string): D1Database[] {
  const start = output.indexOf("[");
  if (start === -1) throw new Error("wrangler d1 list --json printed no JSON list");
  return JSON.parse(output.slice(start)) as D1Database[];
}

/** Secret names from `wrangler secret list --format json`. */
export function parseSecretList(output: string): Set<string> {
  const start = output.indexOf("[");
  if (start === -1) return new Set();
  return new Set((JSON.parse(output.slice(start)) as { name: string }[]).map((s) => s.name));
}
